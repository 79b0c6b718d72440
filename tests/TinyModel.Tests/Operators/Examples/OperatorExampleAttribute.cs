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

    /// <summary>The builtin operator code the method builds models for.</summary>
    public int Code { get; }
}
