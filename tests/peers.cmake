# Peers: the Python lesson's two programs (harness/peers) beside the C models.
# A peer that cannot run here (no /usr/bin/python3, no python3-aiohttp) exits
# 77, which CTest reports as skipped.
set(FL_PEERS ${FL_TESTS}/../harness/peers)
foreach(peer python-asyncio python-threads)
  set(script ${FL_PEERS}/${peer}.py)
  # The workload: same sizes and delays as fetch-sync, every request ok.
  if(TARGET fetch-sync)
    add_test(NAME peers-${peer}-run
             COMMAND ${FL_TESTS}/peers/run.sh $<TARGET_FILE:fetchlab-cli> ${peer})
    # The command line: fetch-sync's messages and exit statuses.
    add_test(NAME peers-${peer}-options
             COMMAND ${FL_TESTS}/peers/options.sh $<TARGET_FILE:fetch-sync> ${script})
    # --work: pure-Python CPU per response; asyncio's --offload.
    add_test(NAME peers-${peer}-work
             COMMAND ${FL_TESTS}/peers/work.sh $<TARGET_FILE:fetchlab-cli> ${peer})
    # #18: --connections reuse|fresh and the phases; HTTPS, its faults.
    add_test(NAME peers-${peer}-tls
             COMMAND ${FL_TESTS}/peers/tls.sh $<TARGET_FILE:fetchlab-cli>
                     $<TARGET_FILE:fetchlab-server> ${peer})
  endif()
  # What every model promises (tests/conformance/check.sh).
  add_test(NAME peers-${peer}-conformance
           COMMAND ${FL_TESTS}/peers/skip_or.sh ${script}
                   ${FL_TESTS}/conformance/check.sh $<TARGET_FILE:fetchlab-cli>
                   ${peer} 60 8 1ms..10ms 0..300k)
  add_test(NAME peers-${peer}-conformance-c100
           COMMAND ${FL_TESTS}/peers/skip_or.sh ${script}
                   ${FL_TESTS}/conformance/check.sh $<TARGET_FILE:fetchlab-cli>
                   ${peer} 240 100 20ms 1k)
  # Over https and with fresh connections, as the C models (conformance.cmake).
  foreach(mode reuse fresh)
    add_test(NAME peers-${peer}-conformance-tls-${mode}
             COMMAND ${FL_TESTS}/peers/skip_or.sh ${script}
                     ${FL_TESTS}/conformance/check.sh $<TARGET_FILE:fetchlab-cli>
                     ${peer} 60 8 1ms..10ms 0..300k)
    set_tests_properties(peers-${peer}-conformance-tls-${mode} PROPERTIES
                         ENVIRONMENT "FL_RUN_ARGS=--tls --connections ${mode}")
  endforeach()
  add_test(NAME peers-${peer}-conformance-http-fresh
           COMMAND ${FL_TESTS}/peers/skip_or.sh ${script}
                   ${FL_TESTS}/conformance/check.sh $<TARGET_FILE:fetchlab-cli>
                   ${peer} 60 8 2ms 1k)
  set_tests_properties(peers-${peer}-conformance-http-fresh PROPERTIES
                       ENVIRONMENT "FL_RUN_ARGS=--connections fresh")
  # The steady state and the concurrency achieved, as for the C models.
  add_test(NAME peers-${peer}-steady
           COMMAND ${FL_TESTS}/peers/skip_or.sh ${script}
                   ${FL_TESTS}/conformance/steady.sh $<TARGET_FILE:fetchlab-cli> ${peer})
  # The classification corpus, the C models' (tests/conformance/classes.sh).
  add_test(NAME peers-${peer}-classes
           COMMAND ${FL_TESTS}/conformance/classes.sh $<TARGET_FILE:fetchlab-cli> ${peer})
  # The fault matrix (HTTP and TLS faults) over HTTPS, connections reused
  # and fresh, and Ctrl-C: as every C model (tests/faults.cmake).
  foreach(mode reuse fresh)
    add_test(NAME peers-${peer}-faults-tls-${mode}
             COMMAND ${FL_TESTS}/faults/matrix.sh $<TARGET_FILE:fetchlab-cli> ${peer})
    set_tests_properties(peers-${peer}-faults-tls-${mode} PROPERTIES
                         ENVIRONMENT "FL_RUN_ARGS=--tls --connections ${mode}")
  endforeach()
  foreach(mode reuse fresh)
    add_test(NAME peers-${peer}-interrupt-tls-${mode}
             COMMAND ${FL_TESTS}/faults/interrupt.sh $<TARGET_FILE:fetchlab-cli> ${peer})
    set_tests_properties(peers-${peer}-interrupt-tls-${mode} PROPERTIES
                         ENVIRONMENT "FL_RUN_ARGS=--tls --connections ${mode}")
  endforeach()
  foreach(t run options work tls conformance conformance-c100 faults-tls-reuse
          faults-tls-fresh interrupt-tls-reuse interrupt-tls-fresh
          conformance-tls-reuse conformance-tls-fresh conformance-http-fresh steady classes)
    if(TEST peers-${peer}-${t})
      set_tests_properties(peers-${peer}-${t} PROPERTIES
                           LABELS peers SKIP_RETURN_CODE 77 TIMEOUT 120)
    endif()
  endforeach()
endforeach()

# python-asyncio --uvloop: the same code on uvloop (Debian's python3-uvloop).
if(TARGET fetch-sync)
  add_test(NAME peers-python-asyncio-uvloop
           COMMAND ${FL_TESTS}/peers/uvloop.sh $<TARGET_FILE:fetchlab-cli>)
  set_tests_properties(peers-python-asyncio-uvloop PROPERTIES
                       LABELS peers SKIP_RETURN_CODE 77 TIMEOUT 120)
endif()
