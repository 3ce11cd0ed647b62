// expect: IPAddress
var ip = System.Net.IPAddress.Parse("10.0.0.1");
