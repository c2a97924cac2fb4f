// The sample data sets shipped in resources/samples (sources and licences in its README.md).
export interface Sample { id: string; file: string; title: string; description: string }

export const SAMPLES: Sample[] = [
  {
    id: 'co2-monthly', file: 'co2-monthly.csv', title: 'Mauna Loa CO2 (monthly)',
    description: 'Monthly atmospheric CO2 in ppm, 1958–2020 (Scripps CO2 Program, CC BY 4.0). Forecast the next month from the last 12.'
  },
  {
    id: 'seattle-weather', file: 'seattle-weather.csv', title: 'Seattle weather (daily)',
    description: 'Daily precipitation, temperatures, wind and a weather label, 2012–2015 (NOAA, public domain).'
  }
]
