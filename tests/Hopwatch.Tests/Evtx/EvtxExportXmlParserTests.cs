using Hopwatch.Tests.Support;

namespace Hopwatch.Tests.Evtx;

/// <summary>The evtxexport output parser the comparison test relies on, on output shapes evtxexport really prints.</summary>
public sealed class EvtxExportXmlParserTests
{
    // Shapes copied from evtxexport 20181227 output on the shared files: an unescaped SOAP value (LiveId),
    // entities in a value, an unnamed Data plus Binary, an empty Data, a multi-line value, and UserData.
    private const string Sample = """
        evtxexport 20181227

        <Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
          <System>
            <Provider Name="Microsoft-Windows-Winlogon" Guid="{DBE9B383-7CF3-4331-91CC-A3CB16A3B538}" EventSourceName="Wlclntfy"/>
            <EventID Qualifiers="32768">6000</EventID>
            <Version>0</Version>
            <Level>4</Level>
            <Task>0</Task>
            <Opcode>0</Opcode>
            <Keywords>0x0080000000000000</Keywords>
            <TimeCreated SystemTime="2021-03-31T23:52:03.284393400Z"/>
            <EventRecordID>428</EventRecordID>
            <Correlation/>
            <Execution ProcessID="0" ThreadID="0"/>
            <Channel>Application</Channel>
            <Computer>DESKTOP-0HIJB49</Computer>
            <Security UserID="S-1-5-19"/>
          </System>
          <EventData>
            <Data>WSearch</Data>
            <Binary>D9060000</Binary>
            <Data Name="Value"><S:Envelope><S:Header a="1">*</S:Header></S:Envelope></Data>
            <Data Name="url">https://x/?w=100&amp;h=100 &lt;b&gt;</Data>
            <Data Name="ProcessName"/>
            <Data Name="Script">line one
        line two</Data>
          </EventData>
        </Event>

        <Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
          <System>
            <Provider Name="Microsoft-Windows-CAPI2" Guid="{5bbca4a8-b209-48dc-a8c7-b23d3e5216fb}"/>
            <EventID>11</EventID>
            <TimeCreated SystemTime="2016-03-03T03:57:47.1Z"/>
            <EventRecordID>429</EventRecordID>
            <Channel>Microsoft-Windows-CAPI2/Operational</Channel>
            <Computer>host</Computer>
          </System>
          <UserData>
            <CertGetCertificateChain>
              <Certificate fileRef="3BDA.cer" subjectName="Microsoft Corporation"/>
              <ValidationTime>2016-03-03T03:57:47Z</ValidationTime>
            </CertGetCertificateChain>
          </UserData>
        </Event>

        """;

    [Fact]
    public void Parses_system_fields_and_event_data_including_unescaped_values()
    {
        var records = EvtxExportXmlParser.Parse(Sample.Replace("\r\n", "\n"));
        Assert.Equal(2, records.Count);
        var r = records[0];
        Assert.Equal(428, r.RecordId);
        Assert.Equal("6000", r.EventId);
        Assert.Equal("32768", r.EventIdQualifiers);
        Assert.Equal("Microsoft-Windows-Winlogon", r.ProviderName);
        Assert.Equal("{DBE9B383-7CF3-4331-91CC-A3CB16A3B538}", r.ProviderGuid);
        Assert.Equal("Application", r.Channel);
        Assert.Equal("DESKTOP-0HIJB49", r.Computer);
        Assert.Equal("0x0080000000000000", r.Keywords);
        Assert.Equal("S-1-5-19", r.UserId);
        Assert.Equal("0", r.ProcessId);
        Assert.Null(r.ActivityId);
        Assert.Equal(new DateTime(2021, 3, 31, 23, 52, 3, DateTimeKind.Utc).AddTicks(2843934), r.TimeUtc);

        Assert.Equal(6, r.EventData.Count);
        Assert.Equal(new EvtxExportDataItem("Data", null, "WSearch"), r.EventData[0]);
        Assert.Equal(new EvtxExportDataItem("Binary", null, "D9060000"), r.EventData[1]);
        Assert.Equal("<S:Envelope><S:Header a=\"1\">*</S:Header></S:Envelope>", r.EventData[2].Value);
        Assert.Equal("https://x/?w=100&h=100 <b>", r.EventData[3].Value);
        Assert.Equal(new EvtxExportDataItem("Data", "ProcessName", ""), r.EventData[4]);
        Assert.Equal("line one\nline two", r.EventData[5].Value);
        Assert.False(r.HasUserData);
    }

    [Fact]
    public void Parses_user_data_leaves()
    {
        var r = EvtxExportXmlParser.Parse(Sample.Replace("\r\n", "\n"))[1];
        Assert.True(r.HasUserData);
        Assert.Empty(r.EventData);
        Assert.Equal([new KeyValuePair<string, string>("Certificate", ""), new KeyValuePair<string, string>("ValidationTime", "2016-03-03T03:57:47Z")],
            r.UserDataLeaves);
        Assert.Equal(new DateTime(2016, 3, 3, 3, 57, 47, DateTimeKind.Utc).AddTicks(1_000_000), r.TimeUtc);
    }

    [Fact]
    public void Ignores_a_record_cut_off_by_an_aborted_export()
    {
        string cut = Sample.Replace("\r\n", "\n");
        cut = cut[..(cut.LastIndexOf("</Event>", StringComparison.Ordinal) - 5)];
        Assert.Single(EvtxExportXmlParser.Parse(cut));
    }
}
