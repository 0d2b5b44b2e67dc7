using Serilog.Events;
using Serilog.Expressions;

namespace Serilog.Sinks.MemStream.Search;

/// <summary>
/// A <c>filter</c> (the live tail's, a search's): a Serilog expression, bounded before it reaches the parser. Serilog.Expressions
/// parses and compiles by recursion, and a stack overflow ends the whole process: it cannot be caught.
/// Measured with Serilog.Expressions 5.0.0: on a 1.5 MiB stack about 100 nested <c>{a:</c> overflow the
/// parser, and a chain of about 510 <c>+</c> (1,023 characters) needs about 700 KiB in the compiler. So
/// nesting (brackets and <c>if</c>s) and length are bounded first, and what passes is compiled on a thread
/// of its own with a stack far larger than that worst case, whatever the host's thread stacks are.
/// Evaluating a compiled filter does not recurse.
/// </summary>
internal sealed class FilterExpression
{
    public const int MaxLength = 1024;
    public const int MaxDepth = 16;
    const int CompilerStackBytes = 16 * 1024 * 1024;

    readonly CompiledExpression _expression;

    FilterExpression(string text, CompiledExpression expression)
    {
        Text = text;
        _expression = expression;
    }

    public string Text { get; }

    /// <summary>A filter, or null with <paramref name="problem"/> saying why the text is refused.</summary>
    public static FilterExpression? TryCreate(string text, out string? problem)
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

        var (expression, error) = CompileOnALargeStack(text);
        problem = error is null ? null : $"is not a valid Serilog expression ({error})";
        return expression is null ? null : new FilterExpression(text, expression);
    }

    static (CompiledExpression? Expression, string? Error) CompileOnALargeStack(string text)
    {
        (CompiledExpression?, string?) result = (null, "it could not be compiled");
        var compiler = new Thread(() =>
        {
            try
            {
                result = SerilogExpression.TryCompile(text, out var expression, out var error) ? (expression, null) : (null, error);
            }
            catch (Exception ex)
            {
                // Unknown functions and bad regular expressions are reported by exceptions, not by TryCompile's result.
                result = (null, ex.Message);
            }
        }, CompilerStackBytes)
        { IsBackground = true, Name = "MemStream filter compiler" };
        compiler.Start();
        compiler.Join();
        return result;
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
