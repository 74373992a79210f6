# Unit tests of libfetchlab: histogram, body stream, option parsing.
add_executable(unit-hist ${FL_TESTS}/unit/test_hist.c)
target_link_libraries(unit-hist PRIVATE fetchlab)
add_test(NAME unit-hist COMMAND unit-hist)

add_executable(unit-body ${FL_TESTS}/unit/test_body.c)
target_link_libraries(unit-body PRIVATE fetchlab)
add_test(NAME unit-body COMMAND unit-body)

add_test(NAME unit-options
         COMMAND ${FL_TESTS}/unit/options.sh $<TARGET_FILE:fetchlab-cli> $<TARGET_FILE:fetch-sync>)

set_tests_properties(unit-hist unit-body unit-options PROPERTIES LABELS unit TIMEOUT 120)
