# The thread-pool model's bounded queue (impl-threads/queue.c), alone.
add_executable(unit-queue ${FL_TESTS}/threads/test_queue.c
                          ${PROJECT_SOURCE_DIR}/impl-threads/queue.c)
target_include_directories(unit-queue PRIVATE ${PROJECT_SOURCE_DIR}/impl-threads)
target_link_libraries(unit-queue PRIVATE Threads::Threads)
add_test(NAME unit-queue COMMAND unit-queue)
set_tests_properties(unit-queue PROPERTIES LABELS unit TIMEOUT 120)
