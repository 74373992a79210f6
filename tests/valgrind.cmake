# Every model under valgrind (label valgrind): no invalid access and no leak
# in a closed loop, an open loop, with faults, and on Ctrl-C. Valgrind and
# the sanitizers do not mix, so only in a build without FL_SANITIZE.
find_program(VALGRIND_EXECUTABLE valgrind)
if(VALGRIND_EXECUTABLE AND NOT FL_SANITIZE AND TARGET fetchlab-server)
  foreach(model ${FL_MODELS})
    if(TARGET fetch-${model})
      add_test(NAME valgrind-${model}
               COMMAND ${FL_TESTS}/valgrind/model.sh ${VALGRIND_EXECUTABLE}
                       $<TARGET_FILE:fetchlab-server> $<TARGET_FILE:fetch-${model}>)
      set_tests_properties(valgrind-${model} PROPERTIES LABELS valgrind TIMEOUT 300)
    endif()
  endforeach()
  # HTTPS: the server and one model, both under valgrind.
  if(TARGET fetch-eventloop)
    add_test(NAME valgrind-eventloop-tls
             COMMAND ${FL_TESTS}/valgrind/model.sh ${VALGRIND_EXECUTABLE}
                     $<TARGET_FILE:fetchlab-server> $<TARGET_FILE:fetch-eventloop> --tls)
    set_tests_properties(valgrind-eventloop-tls PROPERTIES LABELS valgrind TIMEOUT 600)
  endif()
endif()
