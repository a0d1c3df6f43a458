using System.Text;

namespace CallControl.Api.Observability.Metrics;

internal enum ScalarAggregation
{
    /// <summary>A counter: increments add up; a negative or NaN increment is dropped so the total never goes down.</summary>
    Sum,

    /// <summary>A gauge fed by increments and decrements.</summary>
    UpDownSum,

    /// <summary>A counter whose callback reports the running total itself.</summary>
    ObservedTotal,

    /// <summary>A gauge: the last value reported.</summary>
    LastValue,
}

/// <summary>A counter or gauge family.</summary>
internal sealed class ScalarFamily : MetricFamily
{
    private readonly ScalarAggregation _aggregation;
    private readonly bool _isObserved;
    private readonly SeriesTable<ScalarSeries> _series = new(static labels => new ScalarSeries(labels));

    public ScalarFamily(string name, string help, ScalarAggregation aggregation, bool isObserved)
        : base(name, help, aggregation is ScalarAggregation.Sum or ScalarAggregation.ObservedTotal ? "counter" : "gauge")
    {
        _aggregation = aggregation;
        _isObserved = isObserved;
    }

    public override bool Accepts(MetricFamily other) =>
        other is ScalarFamily scalar && scalar._aggregation == _aggregation && scalar._isObserved == _isObserved;

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        switch (_aggregation)
        {
            case ScalarAggregation.Sum when value >= 0:
                _series.Get(tags).Add(value);
                break;
            case ScalarAggregation.UpDownSum when !double.IsNaN(value):
                _series.Get(tags).Add(value);
                break;
            case ScalarAggregation.ObservedTotal:
            case ScalarAggregation.LastValue:
                _series.Get(tags).Set(value);
                break;
        }
    }

    public override void ForgetObservations()
    {
        if (_isObserved)
        {
            _series.Clear();
        }
    }

    protected override void WriteSamples(StringBuilder output)
    {
        foreach (var series in _series.Snapshot())
        {
            output.Append(Name);
            if (series.Labels.Length > 0)
            {
                output.Append('{').Append(series.Labels).Append('}');
            }

            output.Append(' ');
            PrometheusText.AppendValue(output, series.Value);
            output.Append('\n');
        }
    }
}
