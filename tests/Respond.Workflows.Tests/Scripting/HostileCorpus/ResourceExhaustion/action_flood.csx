// expect: killed: requested more than 100 actions
for (var i = 0; ; i++) RequestAction("ISOLATE_DEVICE", "dev-" + i, "flood");
