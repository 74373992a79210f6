# docs: the docs quote code by named markers (`path/file.c:symbol`), link
# files and charts, and show ./fetchlab commands; tests/docs/check.sh checks
# that each marker names a defined symbol, each link exists, and each command
# parses (models through --dry-run, subcommands through their --help).
add_test(NAME docs
         COMMAND sh ${FL_TESTS}/docs/check.sh ${PROJECT_SOURCE_DIR}
                 $<TARGET_FILE:fetchlab-cli>)
set_tests_properties(docs PROPERTIES LABELS docs TIMEOUT 120)

# Figures quoted in the docs come from the committed results/ (figures.py:
# `<!-- figures: FILE... -->` blocks), and an edit of 20% fails.
add_test(NAME docs-figures
         COMMAND sh ${FL_TESTS}/docs/figures.sh ${PROJECT_SOURCE_DIR})
set_tests_properties(docs-figures PROPERTIES LABELS docs TIMEOUT 60)
