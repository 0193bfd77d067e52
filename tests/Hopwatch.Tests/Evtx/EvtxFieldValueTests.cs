using Hopwatch.Events;

namespace Hopwatch.Tests.Evtx;

/// <summary>
/// Field values of specific records, checked by hand against `evtxexport -f xml FILE`. Where our
/// rendering differs on purpose (Windows-style unpadded hex, 7 fraction digits) the evtxexport text is
/// quoted in a comment next to the assertion.
/// </summary>
public class EvtxFieldValueTests
{
    private static readonly Lazy<List<LogEvent>> Security = new(() => EvtxTestFiles.ReadAll(EvtxTestFiles.EdgeCase("security.evtx")).Events);
    private static readonly Lazy<List<LogEvent>> SystemLog = new(() => EvtxTestFiles.ReadAll(EvtxTestFiles.EdgeCase("system.evtx")).Events);

    [Fact]
    public void Security_4624_system_fields_and_header()
    {
        var e = EvtxTestFiles.Record(Security.Value, 2);
        Assert.Equal(4624, e.EventId);
        Assert.Equal("Security", e.Channel);
        Assert.Equal("Microsoft-Windows-Security-Auditing", e.Provider);
        Assert.Equal("37L4247F27-25", e.Computer);
        Assert.Equal(SourceFormat.Evtx, e.Format);
        // evtxexport: SystemTime="2016-07-08T18:12:51.681640800Z"
        Assert.Equal(new DateTime(2016, 7, 8, 18, 12, 51, DateTimeKind.Utc).AddTicks(6816408), e.Time);
        Assert.Equal(DateTimeKind.Utc, e.Time.Kind);
        var f = e.Fields;
        Assert.Equal("2016-07-08T18:12:51.6816408Z", f.Get("TimeCreated"));
        Assert.Equal("{54849625-5478-4994-A5BA-3E3B0328C30D}", f.Get("Provider_Guid"));
        Assert.Equal("Microsoft-Windows-Security-Auditing", f.Get("Provider_Name"));
        Assert.Equal("4624", f.Get("EventID"));
        Assert.Equal("0", f.Get("Version"));
        Assert.Equal("12544", f.Get("Task"));
        Assert.Equal("0x8020000000000000", f.Get("Keywords"));
        Assert.Equal("2", f.Get("EventRecordID"));
        Assert.Equal("456", f.Get("Execution_ProcessID"));
        Assert.Equal("460", f.Get("Execution_ThreadID"));
        // <Correlation/> and <Security/> have no values: no fields.
        Assert.False(f.Contains("Correlation_ActivityID"));
        Assert.False(f.Contains("Security_UserID"));
    }

    [Fact]
    public void Security_4624_event_data_in_template_order()
    {
        var f = EvtxTestFiles.Record(Security.Value, 2).Fields;
        Assert.Equal("S-1-0-0", f.Get("SubjectUserSid"));
        Assert.Equal("S-1-5-18", f.Get("TargetUserSid"));
        Assert.Equal("SYSTEM", f.Get("TargetUserName"));
        Assert.Equal("NT AUTHORITY", f.Get("TargetDomainName"));
        // evtxexport: 0x00000000000003e7 (zero-padded); Windows renders 0x3e7.
        Assert.Equal("0x3e7", f.Get("TargetLogonId"));
        Assert.Equal("0x0", f.Get("SubjectLogonId"));
        Assert.Equal("{00000000-0000-0000-0000-000000000000}", f.Get("LogonGuid"));
        Assert.Equal("0", f.Get("KeyLength"));
        Assert.Equal("", f.Get("ProcessName"));
        Assert.Equal("-", f.Get("IpAddress"));
        var names = f.All().Select(kv => kv.Key).ToList();
        Assert.True(names.IndexOf("SubjectUserSid") < names.IndexOf("IpPort"));
        Assert.True(names.IndexOf("Computer") < names.IndexOf("SubjectUserSid"));
    }

    [Fact]
    public void Unnamed_data_array_becomes_Data_Data_2_and_qualifiers_are_kept()
    {
        // evtxexport: <EventID Qualifiers="32768">6009</EventID> ... <Data>10.00.</Data><Data>15063</Data><Data/>
        //             <Data>Multiprocessor Free</Data><Data>0</Data>; <Keywords>0x0080000000000000</Keywords>
        var e = EvtxTestFiles.Record(SystemLog.Value, 1);
        Assert.Equal(6009, e.EventId);
        Assert.Equal("EventLog", e.Provider);
        Assert.Equal("32768", e.Fields.Get("EventID_Qualifiers"));
        Assert.Equal("0x80000000000000", e.Fields.Get("Keywords"));
        Assert.Equal("10.00.", e.Fields.Get("Data"));
        Assert.Equal("15063", e.Fields.Get("Data_2"));
        Assert.Equal("", e.Fields.Get("Data_3"));
        Assert.Equal("Multiprocessor Free", e.Fields.Get("Data_4"));
        Assert.Equal("0", e.Fields.Get("Data_5"));
        Assert.False(e.Fields.Contains("Data_6"));
        // The optional <Binary> without value is left out, as evtxexport does.
        Assert.False(e.Fields.Contains("Binary"));
    }

    [Fact]
    public void UserData_leaves_by_element_name()
    {
        var e = EvtxTestFiles.Record(SystemLog.Value, 48);
        Assert.Equal(20001, e.EventId);
        var f = e.Fields;
        Assert.Equal(@"sensorshidclassdriver.inf_amd64_be6069ec8fe30d8b\sensorshidclassdriver.inf", f.Get("DriverName"));
        Assert.Equal("{5175D334-C371-4806-B3BA-71FD53C9258D}", f.Get("SetupClass"));
        Assert.Equal("false", f.Get("RebootOption"));
        Assert.Equal("true", f.Get("UpgradeDevice"));
        // evtxexport: &amp; escaped in XML; the field holds the plain text.
        Assert.Equal(@"HID\VID_0E0F&PID_000A&COL01\7&1E4BFC40&0&0000", f.Get("DeviceInstanceID"));
        // evtxexport: <InstallStatus>0x00000000</InstallStatus>
        Assert.Equal("0x0", f.Get("InstallStatus"));
        Assert.Equal("S-1-5-18", f.Get("Security_UserID"));
        Assert.Equal("{96F4A050-7E31-453C-88BE-9634F4E02139}", f.Get("Provider_Guid"));
    }

    [Fact]
    public void Sysmon_process_create()
    {
        var (events, _) = EvtxTestFiles.ReadAll(EvtxTestFiles.EdgeCase("sysmon.evtx"));
        var e = EvtxTestFiles.Record(events, 1742);
        Assert.Equal(1, e.EventId);
        Assert.Equal("Microsoft-Windows-Sysmon/Operational", e.Channel);
        Assert.Equal("DESKTOP-2KGM189", e.Computer);
        Assert.Equal("5", e.Fields.Get("Version"));
        Assert.Equal("ping  -n 6 127.0.0.1 ", e.Fields.Get("CommandLine"));
        Assert.Equal(@"C:\Windows\SysWOW64\PING.EXE", e.Fields.Get("Image"));
        Assert.Equal("{94F748D5-4A45-5A42-0000-0010D265F20F}", e.Fields.Get("ProcessGuid"));
        Assert.Equal("9112", e.Fields.Get("ProcessId"));
        Assert.Equal("0x3e7", e.Fields.Get("LogonId"));
        Assert.StartsWith("SHA1=CE8E487CB76704FE5FBB821A78A1E969EFBE71F9,MD5=", e.Fields.Get("Hashes"));
        Assert.Equal("2017-12-26T13:10:29.1368792Z", e.Fields.Get("TimeCreated"));
    }

    [Fact]
    public void Size_t_values_are_hex_as_Windows_shows_them()
    {
        var (events, _) = EvtxTestFiles.ReadAll(EvtxTestFiles.EdgeCase("Security_with_size_t.evtx"));
        // evtxexport prints size_t in decimal (<Data Name="ProcessId">588</Data>); Windows shows 0x24c.
        Assert.Contains(events, e => e.Fields.Get("ProcessId") == "0x24c");
        Assert.DoesNotContain(events, e => e.Fields.Get("ProcessId") == "588");
    }

    [Fact]
    public void Ansi_string_holding_xml_is_kept_verbatim()
    {
        var (events, _) = EvtxTestFiles.ReadAll(EvtxTestFiles.EdgeCase("2-system-Microsoft-Windows-LiveId%4Operational.evtx"));
        var values = events.Select(e => e.Fields.Get("Value")).Where(v => v is not null).ToList();
        Assert.Contains(values, v => v!.StartsWith("<S:Envelope><S:Header><wsa:Action wsu:Id=\"Action\" S:mustUnderstand=\"1\">*</wsa:Action>", StringComparison.Ordinal));
    }

    [Fact]
    public void Irregular_bool_values_render_as_true_or_false()
    {
        var (events, _) = EvtxTestFiles.ReadAll(EvtxTestFiles.EdgeCase("sample-with-irregular-bool-values.evtx"));
        var bools = events.Select(e => e.Fields.Get("IsAsyncProcessing")).Where(v => v is not null).ToList();
        // evtxexport counts: 356 false, 72 true
        Assert.Equal(356, bools.Count(v => v == "false"));
        Assert.Equal(72, bools.Count(v => v == "true"));
    }
}
