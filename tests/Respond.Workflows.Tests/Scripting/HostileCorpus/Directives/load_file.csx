// expect: #load
#load "/etc/passwd"
Log("x");
