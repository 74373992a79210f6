# Conformance: every model, the same promises (tests/conformance/check.sh).
# The sync model runs one request at a time whatever C says, so its runs are
# short; the concurrent models run 2C requests at each C.
foreach(model ${FL_MODELS})
  if(NOT TARGET fetch-${model})
    continue()
  endif()
  foreach(c 1 8 100 1000)
    if(model STREQUAL "sync")
      set(n 40)
      set(delay 2ms)
    else()
      math(EXPR n "2 * ${c} + 40")
      set(delay 20ms)
    endif()
    add_test(NAME conformance-${model}-c${c}
             COMMAND ${FL_TESTS}/conformance/check.sh $<TARGET_FILE:fetchlab-cli>
                     ${model} ${n} ${c} ${delay} 1k)
    set_tests_properties(conformance-${model}-c${c} PROPERTIES
                         LABELS conformance TIMEOUT 120)
  endforeach()
  # Varied delays and sizes: bodies from empty to 300 KiB, checksummed.
  add_test(NAME conformance-${model}-varied
           COMMAND ${FL_TESTS}/conformance/check.sh $<TARGET_FILE:fetchlab-cli>
                   ${model} 60 8 1ms..10ms 0..300k)
  set_tests_properties(conformance-${model}-varied PROPERTIES
                       LABELS conformance TIMEOUT 120)
endforeach()

add_test(NAME conformance-sync-baseline
         COMMAND ${FL_TESTS}/conformance/sync_baseline.sh $<TARGET_FILE:fetchlab-cli>)
set_tests_properties(conformance-sync-baseline PROPERTIES LABELS conformance TIMEOUT 60)

# The saturation guard: client_bound where the client is the limit, not
# where it is not (pinned, alone: it reads CPU time).
add_test(NAME conformance-eventloop-bound
         COMMAND ${FL_TESTS}/conformance/bound.sh $<TARGET_FILE:fetchlab-server>
                 $<TARGET_FILE:fetch-eventloop>)
set_tests_properties(conformance-eventloop-bound PROPERTIES
                     LABELS conformance TIMEOUT 120 RUN_SERIAL TRUE)

# The event-driven models open their lanes a batch per loop turn.
foreach(model eventloop coroutine offload)
  if(TARGET fetch-${model})
    add_test(NAME conformance-${model}-ramp
             COMMAND ${FL_TESTS}/conformance/ramp.sh $<TARGET_FILE:fetchlab-cli> ${model})
    set_tests_properties(conformance-${model}-ramp PROPERTIES LABELS conformance TIMEOUT 60)
  endif()
endforeach()

# --work: every model does the CPU work where its idiom puts it.
foreach(model ${FL_MODELS})
  if(TARGET fetch-${model})
    add_test(NAME conformance-${model}-work
             COMMAND ${FL_TESTS}/conformance/work.sh $<TARGET_FILE:fetchlab-cli> ${model})
    set_tests_properties(conformance-${model}-work PROPERTIES LABELS conformance TIMEOUT 120)
  endif()
endforeach()

# --loops 2: the loop-based models as two loops on two threads, one workload.
foreach(model eventloop coroutine offload)
  if(TARGET fetch-${model})
    foreach(c 8 100)
      math(EXPR n "2 * ${c} + 40")
      add_test(NAME conformance-${model}-loops2-c${c}
               COMMAND ${FL_TESTS}/conformance/check.sh $<TARGET_FILE:fetchlab-cli>
                       ${model} ${n} ${c} 20ms 1k)
      set_tests_properties(conformance-${model}-loops2-c${c} PROPERTIES
                           LABELS conformance TIMEOUT 120 ENVIRONMENT "FL_RUN_ARGS=--loops 2")
    endforeach()
    add_test(NAME conformance-${model}-loops2-work
             COMMAND ${FL_TESTS}/conformance/work.sh $<TARGET_FILE:fetchlab-cli> ${model})
    set_tests_properties(conformance-${model}-loops2-work PROPERTIES
                         LABELS conformance TIMEOUT 120 ENVIRONMENT "FL_RUN_ARGS=--loops 2")
  endif()
endforeach()

# The steady-state throughput is the one the methodology defines, from the
# records (every model: each numbers its lanes from 0).
foreach(model ${FL_MODELS})
  if(TARGET fetch-${model})
    add_test(NAME conformance-${model}-steady
             COMMAND ${FL_TESTS}/conformance/steady.sh $<TARGET_FILE:fetchlab-cli> ${model})
    set_tests_properties(conformance-${model}-steady PROPERTIES LABELS conformance TIMEOUT 60)
  endif()
endforeach()

# One classification: each model puts every behaviour of the misbehaving
# server (tests/conformance/misbehave.py) in the class it lists.
foreach(model ${FL_MODELS})
  if(TARGET fetch-${model})
    add_test(NAME conformance-${model}-classes
             COMMAND ${FL_TESTS}/conformance/classes.sh $<TARGET_FILE:fetchlab-cli> ${model})
    set_tests_properties(conformance-${model}-classes PROPERTIES LABELS conformance TIMEOUT 180)
  endif()
endforeach()

# HTTPS, with connections kept alive and fresh (a connection and a full
# handshake per request): the same promises, and the setting honoured.
foreach(model ${FL_MODELS})
  if(TARGET fetch-${model})
    foreach(mode reuse fresh)
      add_test(NAME conformance-${model}-tls-${mode}
               COMMAND ${FL_TESTS}/conformance/check.sh $<TARGET_FILE:fetchlab-cli>
                       ${model} 60 8 1ms..10ms 0..300k)
      set_tests_properties(conformance-${model}-tls-${mode} PROPERTIES
                           LABELS conformance TIMEOUT 120
                           ENVIRONMENT "FL_RUN_ARGS=--tls --connections ${mode}")
    endforeach()
    add_test(NAME conformance-${model}-http-fresh
             COMMAND ${FL_TESTS}/conformance/check.sh $<TARGET_FILE:fetchlab-cli>
                     ${model} 60 8 2ms 1k)
    set_tests_properties(conformance-${model}-http-fresh PROPERTIES
                         LABELS conformance TIMEOUT 120
                         ENVIRONMENT "FL_RUN_ARGS=--connections fresh")
  endif()
endforeach()
