# Coroutine layer tests (impl-coroutine/coro.h), label `unit`.
# Every test is built once per backend in FL_CORO_BACKENDS (asm and ucontext
# on x86-64) and named coro.TEST.BACKEND, e.g. coro.ping_pong.asm.
# guard_fail wraps sigaction and sigaltstack (-Wl,--wrap) to make them fail.
set(FL_CORO_TESTS ping_pong many nested destroy reuse fpu overflow guard_fail)

foreach(backend IN LISTS FL_CORO_BACKENDS)
  foreach(test IN LISTS FL_CORO_TESTS)
    set(exe coro-${test}-${backend})
    add_executable(${exe} ${FL_TESTS}/coro/${test}.c)
    target_link_libraries(${exe} PRIVATE coro_${backend} m Threads::Threads)
    if(test STREQUAL "guard_fail")
      target_link_options(${exe} PRIVATE -Wl,--wrap=sigaction,--wrap=sigaltstack)
    endif()
    set_target_properties(${exe} PROPERTIES
      RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests/coro)
    add_test(NAME coro.${test}.${backend} COMMAND ${exe})
    set_tests_properties(coro.${test}.${backend} PROPERTIES LABELS unit)
  endforeach()
endforeach()

# Valgrind must see no stack confusion ("client switching stacks?") and no
# errors, nor a leak on guard_fail's failure paths. Only without
# sanitizers: they and Valgrind do not mix. Labels sanitize and valgrind.
find_program(FL_VALGRIND valgrind)
if(FL_VALGRIND AND NOT FL_SANITIZE)
  foreach(backend IN LISTS FL_CORO_BACKENDS)
    foreach(test ping_pong nested guard_fail)
      add_test(NAME coro.valgrind.${test}.${backend}
        COMMAND ${FL_VALGRIND} --error-exitcode=1 --leak-check=full
                $<TARGET_FILE:coro-${test}-${backend}>)
      set_tests_properties(coro.valgrind.${test}.${backend} PROPERTIES
        LABELS "sanitize;valgrind" FAIL_REGULAR_EXPRESSION "switching stacks")
    endforeach()
  endforeach()
endif()
