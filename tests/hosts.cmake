# hosts: a class across a real network (tests/hosts/two-hosts.sh): fetchlab
# serve --host in one network namespace, every C model, compare --quick
# --server and demo --server in another, joined by a veth pair the test
# creates and removes; a tbf limit on the link. Root only: skips without.
add_test(NAME hosts-two
         COMMAND ${FL_TESTS}/hosts/two-hosts.sh $<TARGET_FILE:fetchlab-cli>
                 $<TARGET_FILE_DIR:fetch-sync>)
set_tests_properties(hosts-two PROPERTIES LABELS hosts TIMEOUT 180
                     SKIP_RETURN_CODE 77)
