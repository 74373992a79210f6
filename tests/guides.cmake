# Guides: every lab guide (labs/NN-topic/README.md) names its files by their
# paths from the root, and every output block it marks
# (<!-- you-will-see: BUILD; run: ./fetchlab ... -->) is what that command
# prints on the starter, the reference or a broken variant; each block,
# edited in a copy, must fail (tests/labs/guides.py). One test per guide, so
# they run side by side; each runs `lab check` once per build it names.
if(NOT TARGET fetchlab-cli OR FL_SANITIZE)   # lab check builds with sanitizers of its own
  return()
endif()
foreach(lab 00 01 02 03 04 05 06 07 08)
  add_test(NAME guides-${lab}
           COMMAND python3 ${FL_TESTS}/labs/guides.py ${PROJECT_SOURCE_DIR}
                   $<TARGET_FILE:fetchlab-cli> ${lab})
  set_tests_properties(guides-${lab} PROPERTIES LABELS "docs;labs" TIMEOUT 240)
endforeach()
