// Inference on new data: predictions for a CSV, series forecasts and the predictions file.
export { predictionsCsv, csvCell, type CsvCell } from './predictions-csv'
export { predictSeries, seriesCsv, forecastCsv, type SeriesPrediction, type SeriesRow } from './series'
