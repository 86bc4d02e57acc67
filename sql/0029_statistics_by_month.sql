-- The statistics summed by month (day = the month's first day), kept from stat_daily whenever a day of the month is
-- computed: a year's ranking reads twelve rows per place instead of 365. A period reads its whole months here and its
-- remaining days from stat_daily.
CREATE TABLE stat_monthly LIKE stat_daily;
