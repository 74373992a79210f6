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

# The JSON reader and the schema of per-run figures (label unit).
add_executable(unit-json ${FL_TESTS}/unit/test_json.c)
target_link_libraries(unit-json PRIVATE fetchlab)
add_test(NAME unit-json COMMAND unit-json)
add_executable(unit-schema ${FL_TESTS}/unit/test_schema.c)
target_link_libraries(unit-schema PRIVATE fetchlab)
target_include_directories(unit-schema PRIVATE ${FL_TESTS}/../harness/lib)
add_test(NAME unit-schema COMMAND unit-schema ${FL_TESTS}/../harness/plots)
set_tests_properties(unit-json unit-schema PROPERTIES LABELS unit TIMEOUT 60)

# curl_uv: a transfer removed mid-connect, whose socket curl closes without
# CURLOPT_CLOSESOCKETFUNCTION (libcurl 7.88-8.1): no abort, nothing left open.
if(TARGET curl_uv)
  add_executable(unit-curl-uv ${FL_TESTS}/unit/test_curl_uv.c)
  target_link_libraries(unit-curl-uv PRIVATE curl_uv)
  add_test(NAME unit-curl-uv COMMAND unit-curl-uv)
  set_tests_properties(unit-curl-uv PROPERTIES LABELS unit TIMEOUT 60)
endif()
