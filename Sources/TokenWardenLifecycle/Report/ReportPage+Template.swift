/// The HTML page's Mustache template: every value escaped by Mustache (HTML is its default content type).
extension ReportPage {
    static let htmlTemplate = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>tokenwarden inventory report</title>
        <style>
        body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 60em; }
        table { border-collapse: collapse; margin: 1em 0; }
        th, td { border: 1px solid #ccc; padding: .3em .7em; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        svg text { font-size: 12px; fill: #444; }
        .lane { stroke: #ddd; }
        .mark, .bar { fill: #c0392b; }
        .held { color: #a04000; }
        </style>
        </head>
        <body>
        <h1>tokenwarden inventory report</h1>
        <p>Generated {{generated_at}} from {{source}}; {{mode}}.</p>

        <h2>Expiring in the next {{timeline_days}} days</h2>
        {{#has_timeline}}
        <svg xmlns="http://www.w3.org/2000/svg" width="{{width}}" height="{{height}}" role="img" aria-label="expiry timeline">
        {{#lanes}}
        <line class="lane" x1="140" x2="860" y1="{{y}}" y2="{{y}}"></line>
        <text x="4" y="{{label_y}}">{{provider}}</text>
        {{/lanes}}
        {{#ticks}}
        <text x="{{x}}" y="{{axis_y}}" text-anchor="middle">{{label}}</text>
        {{/ticks}}
        {{#marks}}
        <circle class="mark" cx="{{x}}" cy="{{y}}" r="4"><title>{{title}}</title></circle>
        {{/marks}}
        {{#bars}}
        <rect class="bar" x="{{x}}" y="{{y}}" width="{{width}}" height="{{height}}"><title>{{title}}</title></rect>
        {{/bars}}
        </svg>
        {{#aggregated}}<p>Too many tokens to draw one by one: one bar per provider and day, its height the count.</p>{{/aggregated}}
        {{/has_timeline}}
        {{^has_timeline}}<p>No token expires in the next {{timeline_days}} days.</p>{{/has_timeline}}

        <h2>Coming due, week by week</h2>
        <svg xmlns="http://www.w3.org/2000/svg" width="{{forecast_width}}" height="{{forecast_height}}" role="img"
         aria-label="forecast: tokens expiring and revokes and rotations due per week">
        <line class="lane" x1="40" x2="{{forecast_right}}" y1="{{forecast_axis}}" y2="{{forecast_axis}}"></line>
        {{#forecast_bars}}
        <rect x="{{x}}" y="{{y}}" width="{{width}}" height="{{height}}" fill="{{color}}"><title>{{title}}</title></rect>
        {{/forecast_bars}}
        {{#forecast_ticks}}
        <text x="{{x}}" y="{{y}}" text-anchor="middle">{{label}}</text>
        {{/forecast_ticks}}
        {{#forecast_empty}}
        <text x="{{forecast_middle}}" y="60" text-anchor="middle">nothing due in the next {{forecast_weeks}} weeks</text>
        {{/forecast_empty}}
        </svg>
        <p>{{#forecast_legend}}<span style="color: {{color}}">&#9632;</span> {{provider}} {{/forecast_legend}}
        A bar per week (weeks start on Monday): the tokens that expire and the revokes and rotations the rules make due,
        if nothing changes. <code>tokenwarden forecast</code> lists them.</p>

        <h2>By provider</h2>
        <table>
        <tr><th>provider</th><th>live tokens</th><th>never used</th><th>stale ({{stale_days}}d)</th><th>expiring ({{window_days}}d)</th>
        <th>rotated ({{window_days}}d)</th><th>held decisions</th></tr>
        {{#providers}}
        <tr><td>{{key}}</td><td>{{tokens}}</td><td>{{never_used}}</td><td>{{stale}}</td><td>{{expiring}}</td><td>{{rotated}}</td>
        <td>{{held}}</td></tr>
        {{/providers}}
        </table>

        <h2>By owner</h2>
        <table>
        <tr><th>owner</th><th>live tokens</th><th>never used</th><th>stale ({{stale_days}}d)</th><th>expiring ({{window_days}}d)</th>
        <th>rotated ({{window_days}}d)</th></tr>
        {{#owners}}
        <tr><td>{{key}}</td><td>{{tokens}}</td><td>{{never_used}}</td><td>{{stale}}</td><td>{{expiring}}</td><td>{{rotated}}</td></tr>
        {{/owners}}
        </table>
        <p>Never used and stale are counted only at providers that report last use.</p>

        <h2>Policy decisions</h2>
        {{#rules}}
        <h3>{{name}} ({{action}}): {{count}}</h3>
        <ul>
        {{#entries}}
        <li><code>{{reference}}</code> “{{token_name}}”: {{reason}}{{#held}} <span class="held">[held: {{held}}]</span>{{/held}}</li>
        {{/entries}}
        {{#cut}}<li>{{cut}}</li>{{/cut}}
        </ul>
        {{/rules}}
        {{^rules}}<p>No policy rules.</p>{{/rules}}
        <p>{{held_sentence}}</p>
        </body>
        </html>

        """
}
