# compare tests: a tiny sweep end to end (tests/compare/tiny.sh): the CSV
# contract, every chart, reproducible plots, bad options refused; and plot's
# reduction of a large summary (tests/compare/reduce.sh).
add_test(NAME compare-tiny
         COMMAND ${FL_TESTS}/compare/tiny.sh $<TARGET_FILE:fetchlab-cli>)
add_test(NAME compare-reduce
         COMMAND ${FL_TESTS}/compare/reduce.sh $<TARGET_FILE:fetchlab-cli>)
# Interrupted, killed or concurrent compares leave --out as it was.
add_test(NAME compare-atomic
         COMMAND ${FL_TESTS}/compare/atomic.sh $<TARGET_FILE:fetchlab-cli>)
# fetchlab plot from the summary CSVs alone: every chart they hold, the
# others named as skipped.
add_test(NAME compare-plot-csv-only
         COMMAND ${FL_TESTS}/compare/csv_only.sh $<TARGET_FILE:fetchlab-cli>)
# fetchlab plot on a copy of the committed results/: every chart byte for byte.
add_test(NAME compare-plot-committed
         COMMAND ${FL_TESTS}/compare/committed.sh $<TARGET_FILE:fetchlab-cli>)
set_tests_properties(compare-tiny compare-reduce compare-atomic compare-plot-csv-only
                     compare-plot-committed PROPERTIES
                     LABELS compare TIMEOUT 120)
