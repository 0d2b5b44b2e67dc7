using Serilog.Events;
using Serilog.Expressions;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// A client's <c>filter</c>: a Serilog expression, bounded before it reaches the parser. Serilog.Expressions
/// parses and compiles by recursion, so a deeply nested expression overflows the stack, and a stack
/// overflow ends the whole process: it cannot be caught. Measured on a 1.5 MiB thread-pool stack, about
/// 100 levels of <c>{a:</c> overflow; 16 levels (of brackets and <c>if</c>s together) with the longest
/// allowed text leave more than half of a 768 KiB stack unused.
/// </summary>
internal sealed class TailFilter
{
    public const int MaxLength = 1024;
    public const int MaxDepth = 16;

    readonly CompiledExpression _expression;

    TailFilter(string text, CompiledExpression expression)
    {
        Text = text;
        _expression = expression;
    }

    public string Text { get; }

    /// <summary>A filter, or null with <paramref name="problem"/> saying why the text is refused.</summary>
    public static TailFilter? TryCreate(string text, out string? problem)
    {
        if (text.Length > MaxLength)
        {
            problem = $"is {text.Length} characters long; a filter may have at most {MaxLength}";
            return null;
        }
        if (Depth(text) is var depth and > MaxDepth)
        {
            problem = $"nests brackets and 'if's {depth} deep; a filter may nest at most {MaxDepth} deep";
            return null;
        }

        try
        {
            if (SerilogExpression.TryCompile(text, out var expression, out var error))
            {
                problem = null;
                return new TailFilter(text, expression);
            }
            problem = $"is not a valid Serilog expression ({error})";
        }
        catch (Exception ex)
        {
            // Unknown functions and bad regular expressions are reported by exceptions, not by TryCompile's result.
            problem = $"is not a valid Serilog expression ({ex.Message})";
        }
        return null;
    }

    /// <summary>Whether the event passes; an expression that throws (a bad argument, a regex timeout) lets it through as an exception for the caller to count.</summary>
    public bool Matches(LogEvent logEvent) => ExpressionResult.IsTrue(_expression(logEvent));

    /// <summary>
    /// How deep the text nests, counted before parsing: the open brackets (<c>( [ {</c>) at the deepest
    /// point plus every <c>if</c> before it (an <c>if</c> nests its branches without brackets). Text in
    /// string literals does not count.
    /// </summary>
    static int Depth(string text)
    {
        int open = 0, ifs = 0, deepest = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\'')
            {
                // A literal ends at the next lone quote; '' is an escaped quote inside it.
                for (i++; i < text.Length; i++)
                {
                    if (text[i] != '\'')
                        continue;
                    if (i + 1 < text.Length && text[i + 1] == '\'')
                        i++;
                    else
                        break;
                }
                continue;
            }
            if (c is '(' or '[' or '{')
                open++;
            else if (c is ')' or ']' or '}')
                open = Math.Max(0, open - 1);
            else if (IsKeywordIf(text, i))
                ifs++;
            deepest = Math.Max(deepest, open + ifs);
        }
        return deepest;
    }

    static bool IsKeywordIf(string text, int i) =>
        (text[i] is 'i' or 'I') && i + 1 < text.Length && (text[i + 1] is 'f' or 'F')
        && (i == 0 || !IsIdentifierChar(text[i - 1]))
        && (i + 2 == text.Length || !IsIdentifierChar(text[i + 2]));

    static bool IsIdentifierChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '@';
}
