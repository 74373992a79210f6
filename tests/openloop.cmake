# Open loop (label openloop): arrivals on a schedule (--rate) and the
# latency measured from each request's due time (tests/openloop/*.sh).

# a. Below capacity, latency from due and from start agree.
add_test(NAME openloop-below-capacity
         COMMAND ${FL_TESTS}/openloop/below.sh $<TARGET_FILE:fetchlab-cli>)
# b. Past the sync model's capacity, only the latency from due shows the queue.
add_test(NAME openloop-omission
         COMMAND ${FL_TESTS}/openloop/omission.sh $<TARGET_FILE:fetchlab-cli>)
# c. The schedule is the workload's, not the model's: the same due times in
#    every model, and no request starts before it is due.
add_test(NAME openloop-schedule
         COMMAND ${FL_TESTS}/openloop/schedule.sh $<TARGET_FILE:fetchlab-cli>)
set_tests_properties(openloop-below-capacity openloop-omission openloop-schedule
                     PROPERTIES LABELS openloop TIMEOUT 120)

# d. The concurrent models keep up with 2000 req/s at 50 ms.
foreach(model eventloop coroutine offload)
  if(NOT TARGET fetch-${model})
    continue()
  endif()
  add_test(NAME openloop-achieved-${model}
           COMMAND ${FL_TESTS}/openloop/achieved.sh $<TARGET_FILE:fetchlab-cli> ${model})
  set_tests_properties(openloop-achieved-${model} PROPERTIES
                       LABELS openloop TIMEOUT 120)
endforeach()

# e. compare --rate: the summary's rate column and the rate chart.
add_test(NAME openloop-compare
         COMMAND ${FL_TESTS}/openloop/compare.sh $<TARGET_FILE:fetchlab-cli>)
set_tests_properties(openloop-compare PROPERTIES LABELS openloop TIMEOUT 120)
