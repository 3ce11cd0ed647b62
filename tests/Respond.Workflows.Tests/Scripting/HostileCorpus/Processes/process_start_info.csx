// expect: ProcessStartInfo
var psi = new System.Diagnostics.ProcessStartInfo("sh");
