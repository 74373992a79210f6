# bench: `fetchlab bench --quick coro models` end to end (tests/bench/quick.sh):
# the table, the report file, skipped rows for missing tools, bad options.
add_test(NAME bench-quick
         COMMAND ${FL_TESTS}/bench/quick.sh $<TARGET_FILE:fetchlab-cli>)
set_tests_properties(bench-quick PROPERTIES LABELS bench TIMEOUT 90)

# The cpuwork suite, short: every row there, measured or skipped, judged.
add_test(NAME bench-cpuwork-quick
         COMMAND ${FL_TESTS}/bench/cpuwork.sh $<TARGET_FILE:fetchlab-cli>)
set_tests_properties(bench-cpuwork-quick PROPERTIES LABELS bench TIMEOUT 180)

# The tls suite, short: the servers over https against nginx, and every
# model's fresh connections against reused ones (tests/bench/tls.sh).
add_test(NAME bench-tls-quick
         COMMAND ${FL_TESTS}/bench/tls.sh $<TARGET_FILE:fetchlab-cli>)
set_tests_properties(bench-tls-quick PROPERTIES LABELS bench TIMEOUT 180)
