# Reliability: the fault matrix and Ctrl-C, for every model (label faults).
foreach(model ${FL_MODELS})
  if(NOT TARGET fetch-${model})
    continue()
  endif()
  add_test(NAME faults-${model}
           COMMAND ${FL_TESTS}/faults/matrix.sh $<TARGET_FILE:fetchlab-cli> ${model})
  add_test(NAME interrupt-${model}
           COMMAND ${FL_TESTS}/faults/interrupt.sh $<TARGET_FILE:fetchlab-cli> ${model})
  set_tests_properties(faults-${model} interrupt-${model} PROPERTIES
                       LABELS faults TIMEOUT 300)
endforeach()

# The same with two loops on two threads.
foreach(model eventloop coroutine offload)
  if(TARGET fetch-${model})
    add_test(NAME faults-${model}-loops2
             COMMAND ${FL_TESTS}/faults/matrix.sh $<TARGET_FILE:fetchlab-cli> ${model})
    add_test(NAME interrupt-${model}-loops2
             COMMAND ${FL_TESTS}/faults/interrupt.sh $<TARGET_FILE:fetchlab-cli> ${model})
    set_tests_properties(faults-${model}-loops2 interrupt-${model}-loops2 PROPERTIES
                         LABELS faults TIMEOUT 300 ENVIRONMENT "FL_RUN_ARGS=--loops 2")
  endif()
endforeach()

# The embedded server: out of the terminal's Ctrl-C, gone with its driver.
if(TARGET fetch-sync)
  add_test(NAME interrupt-server
           COMMAND ${FL_TESTS}/faults/server.sh $<TARGET_FILE:fetchlab-cli>)
  set_tests_properties(interrupt-server PROPERTIES LABELS faults TIMEOUT 60)
endif()

# SIGTERM and SIGHUP to run, compare and demo act as Ctrl-C; SIGKILL to the
# driver takes its children along: no orphans, no temporary directory left.
if(TARGET fetch-eventloop AND TARGET fetch-threads AND TARGET fetch-sync)
  add_test(NAME interrupt-orphans
           COMMAND ${FL_TESTS}/faults/orphans.sh $<TARGET_FILE:fetchlab-cli>)
  set_tests_properties(interrupt-orphans PROPERTIES LABELS faults TIMEOUT 180)
endif()

# Started with stdin or stderr closed, nothing aborts.
add_test(NAME faults-stdio
         COMMAND ${FL_TESTS}/faults/stdio.sh $<TARGET_FILE:fetchlab-server>
                 $<TARGET_FILE:fetch-eventloop>)
set_tests_properties(faults-stdio PROPERTIES LABELS faults TIMEOUT 60)

# A full disk: one line naming the file and a non-zero exit, in compare,
# run (records, summary), the peers and plot (a small tmpfs; root).
add_test(NAME faults-fulldisk
         COMMAND ${FL_TESTS}/faults/fulldisk.sh $<TARGET_FILE:fetchlab-cli>)
set_tests_properties(faults-fulldisk PROPERTIES LABELS faults TIMEOUT 120
                     SKIP_RETURN_CODE 77)

# Inputs at the edges: refused clearly, and a user's --server used.
add_test(NAME faults-edges
         COMMAND ${FL_TESTS}/faults/edges.sh $<TARGET_FILE:fetchlab-cli>
                 $<TARGET_FILE_DIR:fetchlab-cli>)
set_tests_properties(faults-edges PROPERTIES LABELS faults TIMEOUT 60)

# Over HTTPS, connections kept alive and fresh: the HTTP faults and the TLS
# ones (unknown CA, wrong name, expired, reset at the ClientHello), and Ctrl-C.
foreach(model ${FL_MODELS})
  if(TARGET fetch-${model})
    foreach(mode reuse fresh)
      add_test(NAME faults-${model}-tls-${mode}
               COMMAND ${FL_TESTS}/faults/matrix.sh $<TARGET_FILE:fetchlab-cli> ${model})
      set_tests_properties(faults-${model}-tls-${mode} PROPERTIES LABELS faults TIMEOUT 300
                           ENVIRONMENT "FL_RUN_ARGS=--tls --connections ${mode}")
    endforeach()
    foreach(mode reuse fresh)
      add_test(NAME interrupt-${model}-tls-${mode}
               COMMAND ${FL_TESTS}/faults/interrupt.sh $<TARGET_FILE:fetchlab-cli> ${model})
      set_tests_properties(interrupt-${model}-tls-${mode} PROPERTIES LABELS faults TIMEOUT 300
                           ENVIRONMENT "FL_RUN_ARGS=--tls --connections ${mode}")
    endforeach()
  endif()
endforeach()

# A server certificate from another CA: never accepted, every request tls.
foreach(model ${FL_MODELS})
  if(TARGET fetch-${model})
    add_test(NAME faults-${model}-othercert
             COMMAND ${FL_TESTS}/faults/othercert.sh $<TARGET_FILE:fetchlab-server>
                     $<TARGET_FILE:fetch-${model}>)
    set_tests_properties(faults-${model}-othercert PROPERTIES LABELS faults TIMEOUT 120)
  endif()
endforeach()
