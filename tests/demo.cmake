# demo tests: `fetchlab demo` piped (tests/demo/race.sh): a short race of
# every built model, the plain progress and final table, sync last, bad
# options refused; and --timeline with --gif (tests/demo/extras.sh).
add_test(NAME demo-race
         COMMAND ${FL_TESTS}/demo/race.sh $<TARGET_FILE:fetchlab-cli>)
add_test(NAME demo-extras
         COMMAND ${FL_TESTS}/demo/extras.sh $<TARGET_FILE:fetchlab-cli>)
set_tests_properties(demo-race demo-extras PROPERTIES LABELS demo TIMEOUT 90
                     SKIP_RETURN_CODE 77)
