# bench: `fetchlab bench --quick coro models` end to end (tests/bench/quick.sh):
# the table, the report file, skipped rows for missing tools, bad options.
add_test(NAME bench-quick
         COMMAND ${FL_TESTS}/bench/quick.sh $<TARGET_FILE:fetchlab-cli>)
set_tests_properties(bench-quick PROPERTIES LABELS bench TIMEOUT 90)

# The cpuwork suite, short: every row there, measured or skipped, judged.
add_test(NAME bench-cpuwork-quick
         COMMAND ${FL_TESTS}/bench/cpuwork.sh $<TARGET_FILE:fetchlab-cli>)
set_tests_properties(bench-cpuwork-quick PROPERTIES LABELS bench TIMEOUT 180)
