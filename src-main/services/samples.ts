// The sample data sets shipped in resources/samples (sources and licences in its README.md).
import type { ExperimentConfigInput } from '../../src-shared/contract'

/** The data part of a config that suits the sample (the user adds the model and training settings). */
export type SampleMapping = Pick<
  ExperimentConfigInput,
  'mapping' | 'target' | 'inputs' | 'window' | 'text' | 'condition' | 'tokens' | 'task'
>

export interface Sample {
  id: string
  file: string
  title: string
  description: string
  suggested: SampleMapping
}

export const SAMPLES: Sample[] = [
  {
    id: 'co2-monthly',
    file: 'co2-monthly.csv',
    title: 'Mauna Loa CO2 (monthly)',
    description:
      'Monthly atmospheric CO2 in ppm, 1958–2020 (Scripps CO2 Program, CC BY 4.0). Forecast the next month from the last 12.',
    suggested: { mapping: 'many-to-one', target: 'CO2', inputs: [], window: 12 }
  },
  {
    id: 'seattle-weather',
    file: 'seattle-weather.csv',
    title: 'Seattle weather (daily)',
    description:
      'Daily precipitation, temperatures, wind and a weather label, 2012–2015 (NOAA, public domain). Tag each day (many-to-many) or classify one day (one-to-one).',
    suggested: {
      mapping: 'many-to-many',
      target: 'weather',
      inputs: ['precipitation', 'temp_max', 'temp_min', 'wind'],
      window: 14
    }
  },
  {
    id: 'seattle-weather-day',
    file: 'seattle-weather.csv',
    title: 'Seattle weather, one day at a time',
    description:
      "The same NOAA days read as independent rows: a day's weather label from its precipitation, temperatures and wind, no sequence (one-to-one).",
    suggested: {
      mapping: 'one-to-one',
      target: 'weather',
      inputs: ['precipitation', 'temp_max', 'temp_min', 'wind']
    }
  },
  {
    id: 'first-names',
    file: 'first-names.csv',
    title: 'English first names',
    description:
      '8,849 first names with a gender column (Moby Word II, public domain). Generate names letter by letter (one-to-many).',
    suggested: {
      mapping: 'one-to-many',
      target: 'name',
      inputs: [],
      condition: 'gender',
      tokens: 'char',
      task: 'generation'
    }
  },
  {
    id: 'cmudict-pronunciations',
    file: 'cmudict-pronunciations.csv',
    title: 'Spelling → pronunciation (CMUdict)',
    description:
      '2,094 words with their ARPAbet pronunciation (CMU, BSD-2-Clause). Learn to pronounce a spelling (seq2seq).',
    suggested: { mapping: 'seq2seq', text: 'word', target: 'pronunciation', inputs: [], tokens: 'char' }
  }
]
