// expect: dynamic
dynamic d = Event;
Log(d.Json.ToString());
