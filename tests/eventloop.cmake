# eventloop tests: the event-loop model (and its curl_uv glue) under valgrind.
# The conformance suite (conformance.cmake) checks its results at every C.
find_program(VALGRIND_EXECUTABLE valgrind)
if(VALGRIND_EXECUTABLE AND TARGET fetch-eventloop AND TARGET fetchlab-server)
  add_test(NAME eventloop-valgrind
           COMMAND ${FL_TESTS}/eventloop/valgrind.sh ${VALGRIND_EXECUTABLE}
                   $<TARGET_FILE:fetchlab-server> $<TARGET_FILE:fetch-eventloop>)
  set_tests_properties(eventloop-valgrind PROPERTIES LABELS valgrind TIMEOUT 300)
endif()
