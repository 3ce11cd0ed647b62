// expect: killed: output exceeded 64 KiB limit
while (true) { try { Log(new string((char)121, 100000)); } catch { } }
