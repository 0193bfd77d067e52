using Hopwatch.Sigma;
using static Hopwatch.Tests.Sigma.SigmaTestKit;

namespace Hopwatch.Tests.Sigma;

/// <summary>One test group per value modifier of the spec's appendix, with the spec's own examples where it gives them.</summary>
public class SigmaModifierTests
{
    [Fact]
    public void PlainValueIsWholeValueCaseInsensitive()
    {
        const string sel = "selection:\n    Image: 'C:\\Windows\\System32\\cmd.exe'";
        Assert.True(Matches(sel, ("Image", @"c:\windows\system32\CMD.EXE")));
        Assert.False(Matches(sel, ("Image", @"C:\Windows\System32\cmd.exe.bak")));
        Assert.False(Matches(sel, ("CommandLine", @"C:\Windows\System32\cmd.exe")));
    }

    [Fact]
    public void WildcardsStarAndQuestionMark()
    {
        // Spec: `prog?.exe` and `antivirus_V*.exe`.
        Assert.True(Matches("selection:\n    Image: 'prog?.exe'", ("Image", "progA.exe")));
        Assert.False(Matches("selection:\n    Image: 'prog?.exe'", ("Image", "prog.exe")));
        Assert.True(Matches("selection:\n    Image: 'antivirus_V*.exe'", ("Image", "antivirus_V21.2.1.exe")));
        Assert.True(Matches("selection:\n    Image: 'a*b*c'", ("Image", "aXXbYYc")));
        Assert.False(Matches("selection:\n    Image: 'a*b*c'", ("Image", "aXXcYYb")));
        Assert.True(Matches("selection:\n    Image: '*a?c*'", ("Image", "xxABCxx")));
    }

    [Fact]
    public void EscapedWildcardsAndBackslashes()
    {
        // Spec escape table: \* is a plain star, \\* is a backslash then a wildcard, \\\* a backslash and a plain star.
        Assert.True(Matches(@"selection:
    CommandLine: 'a\*b'", ("CommandLine", "a*b")));
        Assert.False(Matches(@"selection:
    CommandLine: 'a\*b'", ("CommandLine", "aXb")));
        Assert.True(Matches(@"selection:
    CommandLine: 'a\\*'", ("CommandLine", @"a\anything")));
        Assert.True(Matches(@"selection:
    CommandLine: 'a\\\*'", ("CommandLine", @"a\*")));
        Assert.False(Matches(@"selection:
    CommandLine: 'a\\\*'", ("CommandLine", @"a\x")));
        // A lone backslash not before a wildcard is itself; \\\\ is two backslashes.
        Assert.True(Matches(@"selection:
    Image|endswith: '\cmd.exe'", ("Image", @"C:\x\cmd.exe")));
        Assert.True(Matches(@"selection:
    Image: 'a\\\\b'", ("Image", @"a\\b")));
        Assert.True(Matches(@"selection:
    Image: 'a\?'", ("Image", "a?")));
        Assert.False(Matches(@"selection:
    Image: 'a\?'", ("Image", "ab")));
    }

    [Fact]
    public void ContainsStartswithEndswith()
    {
        Assert.True(Matches("selection:\n    CommandLine|contains: 'sekurlsa'", ("CommandLine", "mimikatz SEKURLSA::logonpasswords")));
        Assert.False(Matches("selection:\n    CommandLine|contains: 'sekurlsa'", ("CommandLine", "mimikatz")));
        Assert.True(Matches("selection:\n    Image|startswith: 'adm'", ("Image", "ADMIN")));
        Assert.False(Matches("selection:\n    Image|startswith: 'adm'", ("Image", "xadm")));
        Assert.True(Matches("selection:\n    Image|endswith: '\\cmd.exe'", ("Image", @"C:\Windows\cmd.exe")));
        Assert.False(Matches("selection:\n    Image|endswith: '\\cmd.exe'", ("Image", @"C:\Windows\xcmd.exe")));
        Assert.True(Matches("selection:\n    CommandLine|contains: 'a*c'", ("CommandLine", "xxabbbcxx")));
    }

    [Fact]
    public void ListsAreOrAndAllMakesThemAnd()
    {
        const string any = "selection:\n    CommandLine|contains:\n        - ' -a '\n        - ' -b '";
        const string all = "selection:\n    CommandLine|contains|all:\n        - ' -a '\n        - ' -b '";
        Assert.True(Matches(any, ("CommandLine", "x -b y")));
        Assert.False(Matches(all, ("CommandLine", "x -b y")));
        Assert.True(Matches(all, ("CommandLine", "x -b -a y")));
    }

    [Fact]
    public void MapEntriesAreAndListOfMapsIsOr()
    {
        const string map = "selection:\n    Image|endswith: '\\a.exe'\n    CommandLine|contains: 'x'";
        Assert.True(Matches(map, ("Image", @"c:\a.exe"), ("CommandLine", "x")));
        Assert.False(Matches(map, ("Image", @"c:\a.exe"), ("CommandLine", "y")));
        // Spec example: image ending with example.exe OR description containing 'Test executable'.
        const string list = "selection:\n    - Image|endswith: '\\example.exe'\n    - Description|contains: 'Test executable'";
        Assert.True(Matches(list, ("Image", @"c:\example.exe")));
        Assert.True(Matches(list, ("Description", "a Test executable here")));
        Assert.False(Matches(list, ("Image", @"c:\other.exe")));
    }

    [Fact]
    public void Cased()
    {
        Assert.True(Matches("selection:\n    CommandLine|cased: 'Invoke'", ("CommandLine", "Invoke")));
        Assert.False(Matches("selection:\n    CommandLine|cased: 'Invoke'", ("CommandLine", "invoke")));
        Assert.False(Matches("selection:\n    CommandLine|contains|cased: 'Invoke'", ("CommandLine", "xx INVOKE")));
    }

    [Fact]
    public void Exists()
    {
        // Spec: PasswordLastSet|exists: true — presence only, whatever the value (even empty).
        Assert.True(Matches("selection:\n    PasswordLastSet|exists: true", ("PasswordLastSet", "")));
        Assert.False(Matches("selection:\n    PasswordLastSet|exists: true", ("Other", "1")));
        Assert.True(Matches("selection:\n    PasswordLastSet|exists: false", ("Other", "1")));
    }

    [Fact]
    public void NullAndEmpty()
    {
        Assert.True(Matches("selection:\n    PasswordLastSet: null", ("Other", "1")));
        Assert.False(Matches("selection:\n    PasswordLastSet: null", ("PasswordLastSet", "2024")));
        Assert.True(Matches("selection:\n    PasswordLastSet: ''", ("PasswordLastSet", "")));
        Assert.False(Matches("selection:\n    PasswordLastSet: ''", ("PasswordLastSet", "x")));
        // Spec: `not null` is its own negated selection.
        Assert.True(Matches("selection:\n    Image: 'a'\nfilter:\n    PasswordLastSet: null", "selection and not filter",
            ("Image", "a"), ("PasswordLastSet", "2024")));
    }

    [Fact]
    public void Neq()
    {
        Assert.True(Matches("selection:\n    LogonType|neq: 3", ("LogonType", "10")));
        Assert.False(Matches("selection:\n    LogonType|neq: 3", ("LogonType", "3")));
        Assert.False(Matches("selection:\n    LogonType|neq:\n        - 3\n        - 10", ("LogonType", "10")));
        Assert.True(Matches("selection:\n    LogonType|neq:\n        - 3\n        - 10", ("LogonType", "2")));
    }

    [Fact]
    public void Windash()
    {
        const string sel = "selection:\n    CommandLine|windash|contains: ' -exec bypass'";
        Assert.True(Matches(sel, ("CommandLine", "powershell -exec bypass")));
        Assert.True(Matches(sel, ("CommandLine", "powershell /exec bypass")));
        Assert.True(Matches(sel, ("CommandLine", "powershell \u2013exec bypass")));
        Assert.True(Matches(sel, ("CommandLine", "powershell \u2014exec bypass")));
        Assert.True(Matches(sel, ("CommandLine", "powershell \u2015exec bypass")));
        Assert.False(Matches(sel, ("CommandLine", "powershell +exec bypass")));
        // Only the flag dash varies: -param-name keeps its inner dash.
        Assert.Contains("/param-name", SigmaWindash.Expand("-param-name"));
        Assert.DoesNotContain("-param/name", SigmaWindash.Expand("-param-name"));
    }

    [Fact]
    public void RegexCaseSensitiveByDefaultWithSubModifiers()
    {
        Assert.True(Matches("selection:\n    CommandLine|re: '^cmd\\.exe /c [a-z]+$'", ("CommandLine", "cmd.exe /c whoami")));
        Assert.False(Matches("selection:\n    CommandLine|re: '^cmd\\.exe'", ("CommandLine", "CMD.exe")));
        Assert.True(Matches("selection:\n    CommandLine|re|i: '^cmd\\.exe'", ("CommandLine", "CMD.exe")));
        // m: ^ and $ at line ends; s: dot matches newline.
        Assert.False(Matches("selection:\n    CommandLine|re: '^b$'", ("CommandLine", "a\nb\nc")));
        Assert.True(Matches("selection:\n    CommandLine|re|m: '^b$'", ("CommandLine", "a\nb\nc")));
        Assert.False(Matches("selection:\n    CommandLine|re: 'a.c'", ("CommandLine", "a\nc")));
        Assert.True(Matches("selection:\n    CommandLine|re|s: 'a.c'", ("CommandLine", "a\nc")));
    }

    [Fact]
    public void CatastrophicRegexCannotHangARun()
    {
        // '^(a+)+$' backtracks exponentially on "aaa...!": the first timeout switches the rule to the linear engine.
        var set = Load(ProcessRule("selection:\n    CommandLine|re: '^(a+)+$'"), new SigmaOptions { RegexTimeout = TimeSpan.FromMilliseconds(20) });
        var d = new SigmaDetector(set);
        var alerts = new List<Hopwatch.Events.Alert>();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 200; i++) d.Process(Event(Sysmon, 1, ("CommandLine", new string('a', 5000) + "!")), alerts.Add);
        d.Process(Event(Sysmon, 1, ("CommandLine", new string('a', 5000))), alerts.Add);
        Assert.Single(alerts); // the all-'a' value still matches after the switch
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20), sw.Elapsed.ToString());
        Assert.True(d.RegexTimeouts <= 1, d.RegexTimeouts.ToString());
    }

    [Fact]
    public void CatastrophicRegexRunsInLinearTimeWithTheRightAnswer()
    {
        // '^(a+)+$' takes exponential time on a backtracking engine; after the first timeout the matcher runs it
        // on the non-backtracking one, which answers at once, so the verdict cannot depend on how loaded the machine is.
        var set = Load(ProcessRule("selection:\n    CommandLine|re: '^(a+)+$'"), new SigmaOptions { RegexTimeout = TimeSpan.FromMilliseconds(50) });
        var d = new SigmaDetector(set);
        var alerts = new List<Hopwatch.Events.Alert>();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        d.Process(Event(Sysmon, 1, ("CommandLine", new string('a', 5000) + "!")), alerts.Add);
        Assert.Empty(alerts);
        d.Process(Event(Sysmon, 1, ("CommandLine", new string('a', 5000))), alerts.Add);
        Assert.Single(alerts);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10));
        // The backtracking interpreter may time out once on the first event; the matcher then switches to the linear engine.
        Assert.True(d.RegexTimeouts <= 1, d.RegexTimeouts.ToString());
    }

    [Fact]
    public void BacktrackingOnlyRegexTimeoutIsNoMatchNotAHang()
    {
        // A backreference needs the backtracking engine; there the match timeout is the guard.
        var set = Load(ProcessRule("selection:\n    CommandLine|re: '^(a+)+\\1$'"), new SigmaOptions { RegexTimeout = TimeSpan.FromMilliseconds(50) });
        var d = new SigmaDetector(set);
        var alerts = new List<Hopwatch.Events.Alert>();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        d.Process(Event(Sysmon, 1, ("CommandLine", new string('a', 40) + "!")), alerts.Add);
        Assert.Empty(alerts);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Equal(1, d.RegexTimeouts);
    }

    [Fact]
    public void Cidr()
    {
        // Spec: DestinationIp|cidr: 10.0.0.0/8; IPv6 too.
        Assert.True(Matches("selection:\n    DestinationIp|cidr: 10.0.0.0/8", ("DestinationIp", "10.20.30.40")));
        Assert.False(Matches("selection:\n    DestinationIp|cidr: 10.0.0.0/8", ("DestinationIp", "11.0.0.1")));
        Assert.True(Matches("selection:\n    DestinationIp|cidr: 192.168.1.128/25", ("DestinationIp", "192.168.1.200")));
        Assert.False(Matches("selection:\n    DestinationIp|cidr: 192.168.1.128/25", ("DestinationIp", "192.168.1.100")));
        Assert.True(Matches("selection:\n    DestinationIp|cidr: 'fe80::/10'", ("DestinationIp", "fe80::1")));
        Assert.False(Matches("selection:\n    DestinationIp|cidr: 'fe80::/10'", ("DestinationIp", "2001:db8::1")));
        Assert.True(Matches("selection:\n    IpAddress|cidr: 10.0.0.0/8", ("IpAddress", "::ffff:10.1.2.3")));
        Assert.False(Matches("selection:\n    DestinationIp|cidr: 10.0.0.0/8", ("DestinationIp", "not-an-ip")));
    }

    [Fact]
    public void NumericComparisons()
    {
        Assert.True(Matches("selection:\n    KeyLength|lt: 128", ("KeyLength", "0")));
        Assert.False(Matches("selection:\n    KeyLength|lt: 128", ("KeyLength", "128")));
        Assert.True(Matches("selection:\n    KeyLength|lte: 128", ("KeyLength", "128")));
        Assert.True(Matches("selection:\n    KeyLength|gt: 5", ("KeyLength", "6")));
        Assert.False(Matches("selection:\n    KeyLength|gte: 5", ("KeyLength", "4")));
        Assert.True(Matches("selection:\n    Status|gte: 0x10", ("Status", "0x20")));
        Assert.False(Matches("selection:\n    KeyLength|gt: 5", ("KeyLength", "abc")));
    }

    [Fact]
    public void TimeParts()
    {
        const string t = "2024-03-09T23:45:10Z"; // Saturday, ISO week 10
        Assert.True(Matches("selection:\n    UtcTime|hour: 23", ("UtcTime", t)));
        Assert.True(Matches("selection:\n    UtcTime|minute: 45", ("UtcTime", t)));
        Assert.True(Matches("selection:\n    UtcTime|day: 9", ("UtcTime", t)));
        Assert.True(Matches("selection:\n    UtcTime|week: 10", ("UtcTime", t)));
        Assert.True(Matches("selection:\n    UtcTime|month: 3", ("UtcTime", t)));
        Assert.True(Matches("selection:\n    UtcTime|year: 2024", ("UtcTime", t)));
        Assert.False(Matches("selection:\n    UtcTime|hour: 22", ("UtcTime", t)));
        Assert.True(Matches("selection:\n    UtcTime|hour|gte: 22", ("UtcTime", "2024-03-09 23:00:00.000")));
    }

    [Fact]
    public void Base64()
    {
        // base64('cmd') = 'Y21k'
        Assert.True(Matches("selection:\n    CommandLine|base64|contains: 'cmd'", ("CommandLine", "powershell -enc Y21k")));
        Assert.False(Matches("selection:\n    CommandLine|base64|contains: 'cmd'", ("CommandLine", "powershell -enc y21K")));
    }

    [Fact]
    public void Base64OffsetFindsTheValueAtAnyOffset()
    {
        const string sel = "selection:\n    CommandLine|base64offset|contains: 'IEX (New'";
        foreach (var prefix in new[] { "", "a", "ab", "abc" })
        {
            string encoded = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(prefix + "IEX (New-Object Net.WebClient)"));
            Assert.True(Matches(sel, ("CommandLine", "powershell -e " + encoded)), prefix);
        }
        Assert.False(Matches(sel, ("CommandLine", "powershell -e " + Convert.ToBase64String("hello world"u8.ToArray()))));
    }

    [Fact]
    public void Utf16EncodingsBeforeBase64()
    {
        // Spec: utf16le 'cmd' = 63 00 6d 00 64 00; utf16be = 00 63 ...; utf16 adds the FF FE mark; wide = utf16le.
        string le = Convert.ToBase64String([0x63, 0, 0x6d, 0, 0x64, 0]);
        string be = Convert.ToBase64String([0, 0x63, 0, 0x6d, 0, 0x64]);
        string bom = Convert.ToBase64String([0xFF, 0xFE, 0x63, 0, 0x6d, 0, 0x64, 0]);
        Assert.True(Matches("selection:\n    CommandLine|utf16le|base64|contains: 'cmd'", ("CommandLine", "x " + le)));
        Assert.True(Matches("selection:\n    CommandLine|wide|base64|contains: 'cmd'", ("CommandLine", "x " + le)));
        Assert.True(Matches("selection:\n    CommandLine|utf16be|base64|contains: 'cmd'", ("CommandLine", "x " + be)));
        Assert.True(Matches("selection:\n    CommandLine|utf16|base64|contains: 'cmd'", ("CommandLine", "x " + bom)));
        Assert.False(Matches("selection:\n    CommandLine|utf16be|base64|contains: 'cmd'", ("CommandLine", "x " + le)));
        string psEncoded = Convert.ToBase64String(System.Text.Encoding.Unicode.GetBytes("xxIEX (New-Object)"));
        Assert.True(Matches("selection:\n    CommandLine|wide|base64offset|contains: 'IEX (New'", ("CommandLine", "-enc " + psEncoded)));
    }

    [Fact]
    public void FieldRef()
    {
        Assert.True(Matches("selection:\n    SubjectUserName|fieldref: TargetUserName", ("SubjectUserName", "Bob"), ("TargetUserName", "bob")));
        Assert.False(Matches("selection:\n    SubjectUserName|fieldref: TargetUserName", ("SubjectUserName", "Bob"), ("TargetUserName", "alice")));
        Assert.False(Matches("selection:\n    SubjectUserName|fieldref: TargetUserName", ("SubjectUserName", "Bob")));
        Assert.True(Matches("selection:\n    TargetFilename|fieldref|endswith: Name", ("TargetFilename", @"c:\x\a.exe"), ("Name", @"\a.exe")));
        // fieldref with neq: the spec allows combining them.
        Assert.True(Matches("selection:\n    User|fieldref|neq: ParentUser", ("User", "a"), ("ParentUser", "b")));
    }

    [Fact]
    public void ExpandFillsPlaceholdersFromConfig()
    {
        var cfg = TempFile("placeholders:\n  Administrators: ['admin', 'adm_*']\n");
        var set = Load(ProcessRule("selection:\n    User|expand: '%Administrators%'"), new SigmaOptions { PlaceholderConfigPath = cfg });
        Assert.Empty(set.Errors);
        Assert.Single(Run(set, [Event(Sysmon, 1, ("User", "adm_bob"))]));
        Assert.Single(Run(set, [Event(Sysmon, 1, ("User", "ADMIN"))]));
        Assert.Empty(Run(set, [Event(Sysmon, 1, ("User", "bob"))]));
        // Without expand, %name% is literal (spec).
        Assert.True(Matches("selection:\n    User: '%Administrators%'", ("User", "%administrators%")));
        // \% keeps a plain percent next to a placeholder (spec: \%plain%name%).
        var set2 = Load(ProcessRule("selection:\n    User|expand: '\\%plain%Administrators%'"), new SigmaOptions { PlaceholderConfigPath = cfg });
        Assert.Single(Run(set2, [Event(Sysmon, 1, ("User", "%plainadmin"))]));
    }

    [Fact]
    public void UnfilledPlaceholderIsReportedNotDropped()
    {
        var set = Load(ProcessRule("selection:\n    User|expand: '%Workstations%'"));
        Assert.Empty(set.Rules);
        var skipped = Assert.Single(set.Skipped);
        Assert.Contains("%Workstations%", skipped.Reason);
        Assert.Equal("11111111-1111-1111-1111-111111111111", skipped.RuleId);
    }

    [Fact]
    public void KeywordsSearchEveryFieldAndAllMakesThemAnd()
    {
        const string kw = "keywords:\n    - 'event::clear'\n    - 'event::drop'";
        Assert.True(Matches(kw, "keywords", ("CommandLine", "mimikatz event::drop exit")));
        Assert.True(Matches(kw, "keywords", ("Other", "EVENT::CLEAR")));
        Assert.False(Matches(kw, "keywords", ("CommandLine", "mimikatz")));
        const string all = "keywords_cmdlet:\n    '|all':\n        - 'OabVirtualDirectory'\n        - ' -ExternalUrl '";
        Assert.True(Matches(all, "keywords_cmdlet", ("Payload", "Set-OabVirtualDirectory -ExternalUrl 'x'")));
        Assert.True(Matches(all, "keywords_cmdlet", ("A", "Set-OabVirtualDirectory"), ("B", "x -ExternalUrl y")));
        Assert.False(Matches(all, "keywords_cmdlet", ("Payload", "Set-OabVirtualDirectory")));
    }

    [Fact]
    public void UnknownModifierIsAnErrorWithTheLine()
    {
        var set = Load(ProcessRule("selection:\n    Image|endswithh: 'x'"));
        var err = Assert.Single(set.Errors);
        Assert.Contains("unknown value modifier 'endswithh'", err.Message);
        Assert.Equal(12, err.Line); // the line of "Image|endswithh"
    }
}
