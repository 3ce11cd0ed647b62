// expect: killed: output exceeded 64 KiB limit
new string((char)120, 1_000_000)
