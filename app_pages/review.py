from analyzer.ui.review import render

render()
