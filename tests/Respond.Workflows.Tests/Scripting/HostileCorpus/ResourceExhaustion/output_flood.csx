// expect: killed: output exceeded 64 KiB limit
while (true) Log(new string((char)120, 1000));
