# peers tests
