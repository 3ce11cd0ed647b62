// expect: Dns
Log(System.Net.Dns.GetHostName());
