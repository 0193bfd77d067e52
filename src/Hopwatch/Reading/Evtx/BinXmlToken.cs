namespace Hopwatch.Reading.Evtx;

/// <summary>Binary XML token bytes (low nibble set; 0x40 = "more data follows" flag on some tokens).</summary>
internal static class BinXmlToken
{
    public const byte EndOfFragment = 0x00;
    public const byte OpenStartElement = 0x01;
    public const byte CloseStartElement = 0x02;
    public const byte CloseEmptyElement = 0x03;
    public const byte EndElement = 0x04;
    public const byte Value = 0x05;
    public const byte Attribute = 0x06;
    public const byte CDataSection = 0x07;
    public const byte CharRef = 0x08;
    public const byte EntityRef = 0x09;
    public const byte PITarget = 0x0A;
    public const byte PIData = 0x0B;
    public const byte TemplateInstance = 0x0C;
    public const byte NormalSubstitution = 0x0D;
    public const byte OptionalSubstitution = 0x0E;
    public const byte FragmentHeader = 0x0F;
    public const byte MoreFlag = 0x40;
}
