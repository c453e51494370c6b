// time.* builtins compiled into the runtime (UTC only), against values from OPA's test cases.
import t from 'tap';
import { checkRows, loadRuntime, type Row } from './builtins-harness.js';

const rt = await loadRuntime();

const rows: Row[] = [
  ['time_parse_rfc3339_ns', ['"2017-06-02T19:00:00-07:00"'], '1496455200000000000'],
  ['time_parse_rfc3339_ns', ['"1970-01-01T00:00:00.123456789Z"'], '123456789'],
  ['time_parse_rfc3339_ns', ['"1969-12-31T23:59:59.5Z"'], '-500000000'],
  ['time_parse_rfc3339_ns', ['"2020-02-29T12:00:00+01:30"'], '1582972200000000000'],
  ['time_parse_rfc3339_ns', ['"2021-02-29T00:00:00Z"'], undefined],
  ['time_parse_rfc3339_ns', ['"2017-06-02 19:00:00Z"'], undefined],
  ['time_parse_rfc3339_ns', ['"2017-06-02T19:00:00"'], undefined],
  ['time_parse_rfc3339_ns', ['"1600-01-01T00:00:00Z"'], undefined],
  ['time_parse_duration_ns', ['"1h30m"'], '5400000000000'],
  ['time_parse_duration_ns', ['"1.5µs"'], '1500'],
  ['time_parse_duration_ns', ['"-0.5s"'], '-500000000'],
  ['time_parse_duration_ns', ['"0"'], '0'],
  ['time_parse_duration_ns', ['"5"'], undefined],
  ['time_parse_duration_ns', ['"3d"'], undefined],
  ['time_date', ['1496455200000000000'], '[2017,6,3]'],
  ['time_date', ['[1496455200000000000, "UTC"]'], '[2017,6,3]'],
  ['time_date', ['-1'], '[1969,12,31]'],
  ['time_date', ['[1, "Mars/Base"]'], undefined],
  ['time_date', ['[1496455200000000000, "Local"]'], '[2017,6,3]'],
  ['time_clock', ['1496455200000000000'], '[2,0,0]'],
  ['time_clock', ['1496455199999999999'], '[1,59,59]'],
  ['time_weekday', ['1496455200000000000'], '"Saturday"'],
  ['time_weekday', ['0'], '"Thursday"'],
  ['time_add_date', ['1585852421593912000', '3', '9', '12'], '1705257221593912000'],
  ['time_add_date', ['1580515200000000000', '0', '1', '0'], '1583020800000000000'],
  ['time_add_date', ['0', '1000', '0', '0'], undefined],
  ['time_diff', ['1496455200000000000', '0'], '[47,5,2,2,0,0]'],
  ['time_diff', ['[1640995200000000000, "UTC"]', '1609459200000000000'], '[1,0,0,0,0,0]'],
  ['time_format', ['1496455200123000000'], '"2017-06-03T02:00:00.123Z"'],
  ['time_format', ['[1496455200000000000, "UTC", "RFC3339"]'], '"2017-06-03T02:00:00Z"'],
  ['time_format', ['[1496455200123000000, "UTC", "Mon Jan _2 15:04:05 2006"]'], '"Sat Jun  3 02:00:00 2017"'],
  ['time_format', ['[1496455200123000000, "UTC", "RFC1123"]'], '"Sat, 03 Jun 2017 02:00:00 UTC"'],
  ['time_format', ['[1496455200123000000, "UTC", "2006-01-02 3:04PM"]'], '"2017-06-03 2:00AM"'],
  ['time_format', ['[1496455200123000000, "UTC", "15:04:05.000|.999999999|.9"]'], '"02:00:00.123|.123|.1"'],
  ['time_format', ['[1496455200000000000, "UTC", "05.999 002 __2 Z07:00 -07:00 MST"]'], '"00 154 154 Z +00:00 UTC"'],
  ['time_format', ['[1, "America/New_York"]'], undefined],
  ['time_parse_ns', ['"2006-01-02"', '"2017-06-03"'], '1496448000000000000'],
  ['time_parse_ns', ['"RFC1123"', '"Sat, 03 Jun 2017 02:00:00 UTC"'], '1496455200000000000'],
  ['time_parse_ns', ['"02 Jan 06 15:04 -0700"', '"03 Jun 17 02:00 -0700"'], '1496480400000000000'],
  ['time_parse_ns', ['"2006-01-02T15:04:05Z07:00"', '"2017-06-02T19:00:00.5-07:00"'], '1496455200500000000'],
  ['time_parse_ns', ['"January 2, 2006"', '"june 3, 2017"'], '1496448000000000000'],
  ['time_parse_ns', ['"2006-01-02 15:04:05.000"', '"2017-06-03 02:00:00.123"'], '1496455200123000000'],
  ['time_parse_ns', ['"2006-01-02 15:04:05.000"', '"2017-06-03 02:00:00.12"'], undefined],
  ['time_parse_ns', ['"2006-01-02 3:04PM"', '"2017-06-03 2:00PM"'], '1496498400000000000'],
  ['time_parse_ns', ['"2006-002"', '"2017-154"'], '1496448000000000000'],
  ['time_parse_ns', ['"2006-01-02"', '"2017-02-30"'], undefined],
  ['time_parse_ns', ['"2006-01-02"', '"2017-06-03 "'], undefined],
];

t.test('time builtins', async (t) => {
  checkRows(t, rt, rows);
});
