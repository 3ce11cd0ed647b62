// expect: #r
#r "/tmp/evil.dll"
Log("x");
