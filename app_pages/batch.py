from analyzer.ui.batch import render

render()
