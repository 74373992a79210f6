# Labs: for every guided lab (labs/NN-topic), the reference scores full marks,
# the untouched starter builds and scores below full, and each deliberately
# broken variant (tests/labs/broken/*.patch) is caught by the named test.
if(NOT TARGET fetchlab-cli OR FL_SANITIZE)   # the checks build with sanitizers of their own
  return()
endif()
foreach(lab 00 01 02 03 04 05 06 07 08)
  foreach(what reference starter)
    add_test(NAME labs-${lab}-${what}
             COMMAND ${FL_TESTS}/labs/check.sh $<TARGET_FILE:fetchlab-cli> ${lab} ${what})
    set_tests_properties(labs-${lab}-${what} PROPERTIES LABELS labs TIMEOUT 180)
  endforeach()
endforeach()
# lab run: the student's build, run as fetchlab run runs a model.
foreach(lab 01 03 08)
  add_test(NAME labs-run-${lab}
           COMMAND ${FL_TESTS}/labs/run.sh $<TARGET_FILE:fetchlab-cli> ${lab})
  set_tests_properties(labs-run-${lab} PROPERTIES LABELS labs TIMEOUT 120)
endforeach()
# An interrupted check (| head, Ctrl-C, SIGTERM) ends at once, leaves nothing.
add_test(NAME labs-interrupt
         COMMAND ${FL_TESTS}/labs/interrupt.sh $<TARGET_FILE:fetchlab-cli>)
set_tests_properties(labs-interrupt PROPERTIES LABELS labs TIMEOUT 120)

# LAB  PATCH  the test that must FAIL
set(fl_lab_broken
  "01|01-handle-per-request.patch|rules: one handle, every request set up and reported (traced)"
  "01|01-leaks-handles.patch|rules: one handle, every request set up and reported (traced)"
  "01|01-ignores-curlcode.patch|rules: one handle, every request set up and reported (traced)"
  "01|01-no-done-on-error.patch|rules: one handle, every request set up and reported (traced)"
  "01|01-no-wait-until-due.patch|rules: one handle, every request set up and reported (traced)"
  "01|01-setup-once.patch|rules: one handle, every request set up and reported (traced)"
  "02|02-queue-without-lock.patch|tsan: no data race (ThreadSanitizer)"
  "02|02-reserve-without-wait.patch|rules: the queue's waits as steps 1-7 say (traced)"
  "02|02-reserve-waits-once.patch|rules: the queue's waits as steps 1-7 say (traced)"
  "02|02-pop-waits-once.patch|rules: the queue's waits as steps 1-7 say (traced)"
  "02|02-pop-gives-up-when-empty.patch|rules: the queue's waits as steps 1-7 say (traced)"
  "02|02-close-signals-one.patch|rules: the queue's waits as steps 1-7 say (traced)"
  "03|03-ignores-curl-timer.patch|timer: stalled requests end at --timeout"
  "03|03-done-inside-info-read.patch|rules: libcurl driven as steps 1-4 say (traced)"
  "03|03-drain-reads-one.patch|rules: libcurl driven as steps 1-4 say (traced)"
  "03|03-drain-array-grows.patch|rules: libcurl driven as steps 1-4 say (traced)"
  "03|03-poll-ignores-status.patch|rules: libcurl driven as steps 1-4 say (traced)"
  "03|03-remove-keeps-watching.patch|rules: libcurl driven as steps 1-4 say (traced)"
  "05|05-timer-rounds-down.patch|rules: waits with a timer armed as step 1 says (traced)"
  "05|05-no-update-time.patch|rules: waits with a timer armed as step 1 says (traced)"
  "05|05-nanosleep.patch|rules: waits with a timer armed as step 1 says (traced)"
  "05|05-due-reset-at-start.patch|open loop: due times stay on the schedule, over capacity"
  "05|05-timer-polls.patch|open loop: waiting costs no CPU"
  "05|05-select-sleep.patch|rules: waits with a timer armed as step 1 says (traced)"
  "04|04-resume-in-curl-callback.patch|rule: resumed only from the loop, never inside libcurl"
  "04|04-resume-not-marked-running.patch|rules: steps 1-4 as the guide says, with faults (traced)"
  "04|04-yield-not-marked-suspended.patch|rules: steps 1-4 as the guide says, with faults (traced)"
  "04|04-perform-no-yield.patch|rules: steps 1-4 as the guide says, with faults (traced)"
  "04|04-on-done-drops-rc.patch|rules: steps 1-4 as the guide says, with faults (traced)"
  "06|06-drops-failed-requests.patch|rules: each request reported once, as it ended (traced)"
  "06|06-retries-failed.patch|rules: each request reported once, as it ended (traced)"
  "06|06-errors-as-recv.patch|rules: each request reported once, as it ended (traced)"
  "06|06-cancel-keeps-transfer.patch|ctrl-c: exit 130 within 500 ms, every request accounted"
  "06|06-cancel-forgets-report.patch|ctrl-c: exit 130 within 500 ms, every request accounted"
  "07|07-work-on-the-loop.patch|offload: every response's work ran off the loop thread"
  "07|07-finish-on-the-pool.patch|rules: loop begins and records, pool works, once (traced)"
  "07|07-rc-not-kept.patch|rules: loop begins and records, pool works, once (traced)"
  "07|07-work-twice.patch|rules: loop begins and records, pool works, once (traced)"
  "07|07-shared-counter.patch|tsan: the pool and the loop share no state unguarded"
  "08|08-handle-per-request.patch|connections: 1 for 100 requests, not 100"
  "08|08-connection-close.patch|connections: 1 for 100 requests, not 100"
  "08|08-handle-every-10.patch|rules: one handle for the run, cleaned up once (traced)"
  "08|08-new-handle-after-error.patch|rules: one handle for the run, cleaned up once (traced)"
  "08|08-forbid-reuse.patch|rules: one handle for the run, cleaned up once (traced)"
  "08|08-fresh-connect.patch|rules: one handle for the run, cleaned up once (traced)"
  "08|08-cleanup-in-loop.patch|rules: one handle for the run, cleaned up once (traced)"
  "08|08-leaks-handle.patch|rules: one handle for the run, cleaned up once (traced)")
foreach(entry IN LISTS fl_lab_broken)
  string(REPLACE "|" ";" parts "${entry}")
  list(GET parts 0 lab)
  list(GET parts 1 patch)
  list(GET parts 2 test)
  string(REGEX REPLACE "\\.patch$" "" name "${patch}")
  add_test(NAME labs-broken-${name}
           COMMAND ${FL_TESTS}/labs/check.sh $<TARGET_FILE:fetchlab-cli> ${lab} broken ${patch} "${test}")
  set_tests_properties(labs-broken-${name} PROPERTIES LABELS labs TIMEOUT 180)
endforeach()
