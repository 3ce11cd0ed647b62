// expect: System.IO
using System.IO;
Log(File.Exists("/etc/shadow").ToString());
