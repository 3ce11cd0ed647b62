// expect: killed: exceeded 2 s time limit
// Passes the check: catching Exception (and so OutOfMemoryException) is allowed; the loop never ends.
while (true) { try { var a = new byte[int.MaxValue / 2]; Log(a.Length.ToString()); } catch (Exception) { } }
