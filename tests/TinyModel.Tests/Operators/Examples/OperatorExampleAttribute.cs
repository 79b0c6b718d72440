using System;

namespace TinyModel.Tests.Operators.Examples;

/// <summary>
/// Marks a static method <c>TfliteModelBuilder M(int code, TypeCombination types)</c> that builds the smallest
/// sensible model of one operator for a type combination its definition claims. Every operator in
/// the catalog needs one (a method may build several operators: it gets the code) (see <see cref="TypeCombinationTests"/>); put it in its family's examples file.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
internal sealed class OperatorExampleAttribute : Attribute
{
    public OperatorExampleAttribute(int code) => Code = code;

    /// <summary>A custom operator, by its custom code.</summary>
    public OperatorExampleAttribute(string customCode)
    {
        Code = 32;
        CustomCode = customCode;
    }

    /// <summary>The builtin operator code the method builds models for (<c>CUSTOM</c> for custom operators).</summary>
    public int Code { get; }

    /// <summary>The custom code of a custom operator, null for builtins.</summary>
    public string? CustomCode { get; }

    /// <summary>The name of the operator, as <c>OperatorDefinition.Name</c> spells it.</summary>
    public string Name => CustomCode ?? TinyModel.Generator.Reading.BuiltinOperatorNames.Get(Code);
}
