# fetchlab-server tests (label server): the pure HTTP layer alone, then the
# server end to end as a child process. With FL_FUZZ and clang, the fuzzer too.
set(FL_SERVER_DIR ${FL_TESTS}/../harness/server)

add_executable(test-http ${FL_TESTS}/server/test_http.c ${FL_SERVER_DIR}/http.c)
target_include_directories(test-http PRIVATE ${FL_SERVER_DIR})
add_test(NAME server-http COMMAND test-http)

add_executable(test-server ${FL_TESTS}/server/test_server.c ${FL_TESTS}/../harness/lib/body.c)
target_include_directories(test-server PRIVATE ${FL_TESTS}/../harness/include)
target_link_libraries(test-server PRIVATE CURL::libcurl)
add_test(NAME server-e2e COMMAND test-server $<TARGET_FILE:fetchlab-server>)

add_executable(test-deadline ${FL_TESTS}/server/test_deadline.c ${FL_SERVER_DIR}/deadline.c)
target_include_directories(test-deadline PRIVATE ${FL_SERVER_DIR})
target_link_libraries(test-deadline PRIVATE PkgConfig::LIBUV)
add_test(NAME server-deadline COMMAND test-deadline)

# One greedy reader must not starve the others (fair writes).
add_test(NAME server-fair
         COMMAND ${FL_TESTS}/server/fair.sh $<TARGET_FILE:fetchlab-server> $<TARGET_FILE:fetch-eventloop>)

# A slowloris flood past the descriptor limit must not shut honest clients
# out (the connection cap), and the header and idle timeouts close.
add_test(NAME server-flood
         COMMAND ${FL_TESTS}/server/flood.sh $<TARGET_FILE:fetchlab-server> $<TARGET_FILE:fetch-eventloop>)
set_tests_properties(server-flood PROPERTIES RUN_SERIAL TRUE)

set_tests_properties(server-http server-e2e server-deadline server-fair server-flood
                     PROPERTIES LABELS server TIMEOUT 120)

if(FL_FUZZ)
  if(CMAKE_C_COMPILER_ID MATCHES "Clang")
    add_executable(fuzz-http ${FL_TESTS}/fuzz/fuzz_http.c ${FL_SERVER_DIR}/http.c)
    target_include_directories(fuzz-http PRIVATE ${FL_SERVER_DIR})
    target_compile_options(fuzz-http PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_options(fuzz-http PRIVATE -fsanitize=fuzzer,address,undefined)
    # libFuzzer adds what it finds to its corpus dir: give it a copy in the
    # build tree, so the source tree's seeds stay as committed.
    set(FL_HTTP_CORPUS ${CMAKE_CURRENT_BINARY_DIR}/corpus-http)
    add_test(NAME fuzz-http-corpus
             COMMAND ${CMAKE_COMMAND} -E copy_directory ${FL_TESTS}/fuzz/corpus-http ${FL_HTTP_CORPUS})
    add_test(NAME fuzz-http
             COMMAND fuzz-http -max_total_time=60 -timeout=5 ${FL_HTTP_CORPUS})
    set_tests_properties(fuzz-http-corpus PROPERTIES LABELS fuzz FIXTURES_SETUP http-corpus)
    set_tests_properties(fuzz-http PROPERTIES LABELS fuzz TIMEOUT 180 FIXTURES_REQUIRED http-corpus)
  else()
    message(STATUS "FL_FUZZ: fuzz-http needs clang (CMAKE_C_COMPILER=clang); skipped")
  endif()
endif()

# The workload option parser, fuzzed the same way (label fuzz).
if(FL_FUZZ AND CMAKE_C_COMPILER_ID MATCHES "Clang")
  add_executable(fuzz-options ${FL_TESTS}/fuzz/fuzz_options.c)
  target_link_libraries(fuzz-options PRIVATE fetchlab)
  target_include_directories(fuzz-options PRIVATE ${FL_TESTS}/../harness/lib)
  target_compile_options(fuzz-options PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_options(fuzz-options PRIVATE -fsanitize=fuzzer,address,undefined)
  set(FL_OPTIONS_CORPUS ${CMAKE_CURRENT_BINARY_DIR}/corpus-options)
  add_test(NAME fuzz-options-corpus
           COMMAND ${CMAKE_COMMAND} -E copy_directory ${FL_TESTS}/fuzz/corpus-options ${FL_OPTIONS_CORPUS})
  add_test(NAME fuzz-options
           COMMAND fuzz-options -max_total_time=60 -timeout=5 -close_fd_mask=2 ${FL_OPTIONS_CORPUS})
  set_tests_properties(fuzz-options-corpus PROPERTIES LABELS fuzz FIXTURES_SETUP options-corpus)
  set_tests_properties(fuzz-options PROPERTIES LABELS fuzz TIMEOUT 180 FIXTURES_REQUIRED options-corpus)
endif()

# The JSON reader (harness/lib/json.c), fuzzed the same way (label fuzz).
if(FL_FUZZ AND CMAKE_C_COMPILER_ID MATCHES "Clang")
  add_executable(fuzz-json ${FL_TESTS}/fuzz/fuzz_json.c)
  target_link_libraries(fuzz-json PRIVATE fetchlab)
  target_compile_options(fuzz-json PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_options(fuzz-json PRIVATE -fsanitize=fuzzer,address,undefined)
  set(FL_JSON_CORPUS ${CMAKE_CURRENT_BINARY_DIR}/corpus-json)
  add_test(NAME fuzz-json-corpus
           COMMAND ${CMAKE_COMMAND} -E copy_directory ${FL_TESTS}/fuzz/corpus-json ${FL_JSON_CORPUS})
  add_test(NAME fuzz-json
           COMMAND fuzz-json -max_total_time=60 -timeout=5 ${FL_JSON_CORPUS})
  set_tests_properties(fuzz-json-corpus PROPERTIES LABELS fuzz FIXTURES_SETUP json-corpus)
  set_tests_properties(fuzz-json PROPERTIES LABELS fuzz TIMEOUT 180 FIXTURES_REQUIRED json-corpus)
endif()

# What one request may ask: loopback's limits, a shared server's, and the
# pause budget for everyone.
add_test(NAME server-limits
         COMMAND ${FL_TESTS}/server/limits.sh $<TARGET_FILE:fetchlab-server>)
set_tests_properties(server-limits PROPERTIES LABELS server TIMEOUT 60)
