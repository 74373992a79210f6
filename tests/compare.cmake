# compare tests: a tiny sweep end to end (tests/compare/tiny.sh): the CSV
# contract, every chart, reproducible plots, bad options refused.
add_test(NAME compare-tiny
         COMMAND ${FL_TESTS}/compare/tiny.sh $<TARGET_FILE:fetchlab-cli>)
set_tests_properties(compare-tiny PROPERTIES LABELS compare TIMEOUT 120)
