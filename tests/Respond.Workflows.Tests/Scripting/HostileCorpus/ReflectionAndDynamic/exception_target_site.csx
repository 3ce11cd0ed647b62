// expect: TargetSite
try { throw new Exception("x"); } catch (Exception e) { Log(e.TargetSite.Name); }
