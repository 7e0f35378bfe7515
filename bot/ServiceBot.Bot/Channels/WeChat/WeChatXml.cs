using System.Text;
using System.Xml;

namespace ServiceBot.Bot.Channels.WeChat;

/// <summary>
/// A WeChat XML message as read: the leaf elements under &lt;xml&gt; by name, and the
/// &lt;List&gt; entries of a subscribe-message event.
/// </summary>
internal sealed class WeChatXml
{
    private WeChatXml(Dictionary<string, string> fields, List<Dictionary<string, string>> lists) =>
        (Fields, Lists) = (fields, lists);

    public IReadOnlyDictionary<string, string> Fields { get; }

    public IReadOnlyList<IReadOnlyDictionary<string, string>> Lists { get; }

    public string? this[string name] => Fields.TryGetValue(name, out var value) ? value : null;

    /// <summary>
    /// Parses with DTDs prohibited and no resolver (no XXE, no entity bombs); throws <see cref="XmlException"/>.
    /// </summary>
    public static WeChatXml Parse(string xml)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
            MaxCharactersInDocument = 1024 * 1024,
            MaxCharactersFromEntities = 0,
        };

        using var reader = XmlReader.Create(new StringReader(xml), settings);
        reader.MoveToContent();
        if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "xml")
        {
            throw new XmlException("The root element is not <xml>.");
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var lists = new List<Dictionary<string, string>>();
        if (reader.IsEmptyElement)
        {
            return new WeChatXml(fields, lists);
        }

        reader.Read();
        while (Open(reader))
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                reader.Read();
                continue;
            }

            var name = reader.LocalName;
            if (
                name.StartsWith("SubscribeMsg", StringComparison.Ordinal)
                && name.EndsWith("Event", StringComparison.Ordinal)
            )
            {
                ReadLists(reader, lists);
            }
            else if (IsLeaf(reader, out var value))
            {
                fields[name] = value;
            }
        }

        return new WeChatXml(fields, lists);
    }

    // True while inside the current element; the end of the input before its end tag is malformed.
    // Every loop over children goes through here, so no input can keep a loop going past the end.
    private static bool Open(XmlReader reader) =>
        reader.NodeType != XmlNodeType.EndElement
        && (!reader.EOF ? true : throw new XmlException("The message ended before its closing tag."));

    // Reads a leaf element's text, or skips a nested element (menu scan info and the like).
    private static bool IsLeaf(XmlReader reader, out string value)
    {
        value = "";
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return true;
        }

        reader.Read();
        var text = new StringBuilder();
        while (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace)
        {
            text.Append(reader.Value);
            reader.Read();
        }

        if (reader.NodeType == XmlNodeType.EndElement)
        {
            reader.Read();
            value = text.ToString();
            return true;
        }

        // Nested content: skip the rest of this element.
        var depth = reader.Depth - 1;
        while (!(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (!reader.Read())
            {
                throw new XmlException("The message ended inside an element.");
            }
        }

        reader.Read();
        return false;
    }

    private static void ReadLists(XmlReader reader, List<Dictionary<string, string>> lists)
    {
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return;
        }

        reader.Read();
        while (Open(reader))
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "List" && !reader.IsEmptyElement)
            {
                var entry = new Dictionary<string, string>(StringComparer.Ordinal);
                reader.Read();
                while (Open(reader))
                {
                    if (reader.NodeType != XmlNodeType.Element)
                    {
                        reader.Read();
                        continue;
                    }

                    // IsLeaf moves past the element either way; what follows is looked at afresh.
                    var name = reader.LocalName;
                    if (IsLeaf(reader, out var value))
                    {
                        entry[name] = value;
                    }
                }

                reader.Read();
                lists.Add(entry);
            }
            else
            {
                reader.Skip();
            }
        }

        reader.Read();
    }
}
