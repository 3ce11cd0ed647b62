// expect: #load
#load "../secrets.csx"
Log("x");
