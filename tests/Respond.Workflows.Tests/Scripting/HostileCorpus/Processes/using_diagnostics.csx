// expect: System.Diagnostics
using System.Diagnostics;
Process.Start("sh");
