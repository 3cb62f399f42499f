"Sentence pipeline: papermill runs of the tutorials, the command lines (train, predict, python -m), tables per task (TweetEval folders, CSV), masking, declared metrics, config and data errors, one encoder call per batch."
import json, subprocess, sys
from pathlib import Path
import numpy as np, pandas as pd, pytest, yaml, papermill as pm
from conftest import mtl, check_run_record

ROOT = Path(__file__).resolve().parents[1]
NB = ROOT/'nbs'/'tutorials'/'sentence_heads.ipynb'

def _config(folder, **sections):
    from mtl_bio.text.data import example_config
    return example_config(folder, **{'train': {'epochs': 10, 'quiet': True}, **sections})

@pytest.mark.notebook
@pytest.mark.slow
def test_tutorial(tmp_path):
    "The heads beat the majority class on held-out sentences, with and without missing labels"
    pm.execute_notebook(str(NB), str(tmp_path/'out.ipynb'), kernel_name='python3', progress_bar=False,
                        parameters={'out_dir': str(tmp_path/'nb'), 'epochs': 15})
    m = json.loads((tmp_path/'nb'/'run'/'metrics.json').read_text())['test']
    for task in ('topic', 'sentiment'):
        assert m[task]['n'] == 54 and m[task]['accuracy'] > m[task]['baseline']['accuracy'] + 0.3, (task, m[task])
    for task in ('topic', 'sentiment'):
        p = pd.read_csv(tmp_path/'nb'/'predictions'/f'{task}.csv')
        assert len(p) == 270 and list(p.columns[:2]) == ['text', 'label']
    mm = json.loads((tmp_path/'nb'/'run_masked'/'metrics.json').read_text())['test']
    assert mm['sentiment']['n'] < mm['topic']['n']

@pytest.mark.slow
def test_cli_train_predict_files(tmp_path):
    "text-train writes the run folder; text-predict and python -m mtl_bio.text write the configured CSV per task"
    conf = _config(tmp_path, output={'dir': 'preds', 'files': {'sentiment': 'elsewhere/mood.csv'}})
    r = mtl('text-train', '--config', conf)
    assert r.returncode == 0, r.stderr
    run = tmp_path/'run'
    for f in ('model.pt', 'labels.json', 'metrics.json', 'text_config.yaml', 'history.csv'): assert (run/f).exists(), f
    check_run_record(run, 'text-train')
    assert json.loads((run/'labels.json').read_text())['topic']['labels'] == {'food': 0, 'research': 1, 'sport': 2}
    new = pd.DataFrame({'text': ['The soup was cold and bland.', 'We lost the final again.', 'The assay ran overnight.'], 'id': [7, 8, 9]})
    new.to_csv(tmp_path/'new.csv', index=False)
    r = mtl('text-predict', '--config', conf, '--data', tmp_path/'new.csv')
    assert r.returncode == 0, r.stderr
    topic, mood = pd.read_csv(tmp_path/'preds'/'topic.csv'), pd.read_csv(tmp_path/'elsewhere'/'mood.csv')
    assert topic.columns.tolist() == ['text', 'label', 'prob_food', 'prob_research', 'prob_sport']
    assert mood.columns.tolist() == ['text', 'label', 'prob_negative', 'prob_neutral', 'prob_positive']
    assert topic.text.tolist() == new.text.tolist() and np.allclose(topic.filter(like='prob_').sum(1), 1, atol=1e-5)
    # the checkpoint alone gives the same numbers in Python
    from mtl_bio.text.train import predict_text
    again = predict_text(run, new)
    assert np.allclose(again['topic'].filter(like='prob_').to_numpy(), topic.filter(like='prob_').to_numpy(), atol=1e-5)
    # existing outputs are refused, nothing is rewritten
    before = (tmp_path/'preds'/'topic.csv').read_bytes()
    r = mtl('text-predict', '--config', conf, '--data', tmp_path/'new.csv')
    assert r.returncode == 2 and "topic.csv': exists; pass --overwrite" in r.stderr
    assert (tmp_path/'preds'/'topic.csv').read_bytes() == before
    # the original usage, from the config's folder
    r = subprocess.run([sys.executable, '-m', 'mtl_bio.text', '--config', 'config.yaml', '--overwrite'], cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert len(pd.read_csv(tmp_path/'preds'/'topic.csv')) == 270   # data.input of the config: the example sentences

def test_config_and_data_errors(tmp_path):
    "Clear errors naming file, key, column or row; nothing is written"
    from mtl_bio.text.data import example_sentences
    base = yaml.safe_load(_config(tmp_path).read_text())
    def run(cfg, *extra, cmd='text-train'):
        p = tmp_path/'c.yaml'; p.write_text(yaml.safe_dump(cfg) if isinstance(cfg, dict) else cfg)
        return mtl(cmd, '--config', p, *extra)
    r = run({**base, 'tasks': [base['tasks'][0], {**base['tasks'][1], 'name': 'topic'}]})
    assert r.returncode == 2 and "c.yaml', key 'tasks[1].name': task 'topic' is named twice" in r.stderr
    r = run("tasks:\n  topic: {labels: [a, b]}\n  topic: {labels: [c, d]}\n")
    assert r.returncode == 2 and "key 'topic' is given twice" in r.stderr
    ex = example_sentences()
    ex.loc[5, 'text'] = ' '; ex.to_csv(tmp_path/'empty.csv', index=False)
    r = run({**base, 'train': {**base['train'], 'data': 'empty.csv', 'empty': 'error'}})
    assert r.returncode == 2 and "empty.csv', column 'text', row 7: empty text (1 in all" in r.stderr
    example_sentences().drop(columns='sentiment').to_csv(tmp_path/'nocol.csv', index=False)
    r = run({**base, 'train': {**base['train'], 'data': 'nocol.csv'}})
    assert r.returncode == 2 and 'sentiment' in r.stderr and 'nocol.csv' in r.stderr
    ex = example_sentences(); ex.loc[3, 'sentiment'] = 'angry'; ex.to_csv(tmp_path/'unknown.csv', index=False)
    r = run({**base, 'train': {**base['train'], 'data': 'unknown.csv'}})
    assert r.returncode == 2 and "unknown.csv', column 'sentiment', row 5: unknown label 'angry'" in r.stderr
    assert not (tmp_path/'run').exists()   # no run folder from any of these
    r = run({**base, 'model': {**base['model'], 'run': 'missing_run'}}, cmd='text-predict')
    assert r.returncode == 2 and 'missing_run' in r.stderr and 'no checkpoint here' in r.stderr
    (tmp_path/'broken').mkdir(); (tmp_path/'broken'/'model.pt').write_bytes(b'not a checkpoint')
    r = run({**base, 'model': {**base['model'], 'run': 'broken'}}, cmd='text-predict')
    assert r.returncode == 2 and 'not a readable checkpoint' in r.stderr
    assert not (tmp_path/'predictions').exists()

@pytest.mark.parametrize('n_tasks', [2, 4])
def test_one_encoder_call_per_batch(n_tasks):
    "Predicting k tasks calls the encoder once per batch, whatever k"
    import torch
    from mtl_bio.model import build_model
    from mtl_bio.runs import Predictor
    from mtl_bio.text.data import text_config, text_tasks
    from mtl_bio.text.train import SentenceFeaturizer, predict_text
    spec = [{'name': f't{i}', 'labels': ['a', 'b', 'c'][:2+i%2]} for i in range(n_tasks)]
    tasks = text_tasks(text_config({'tasks': spec}))
    feat = SentenceFeaturizer(batch_size=8)
    pred = Predictor(build_model(tasks, 384, sizes=[], bn=False), tasks, feat, meta={'pipeline': 'text'})
    feat.encoder.n_calls = 0
    out = predict_text(pred, pd.DataFrame({'text': [f'sentence number {i}' for i in range(20)]}))
    assert feat.encoder.n_calls == 3   # ceil(20/8)
    assert [v.shape for v in out.values()] == [(20, 2 + len(t.classes)) for t in tasks]


SHARED = ROOT.parent/'shared'/'data'/'tweeteval'

@pytest.mark.skipif(not SHARED.exists(), reason="the shared TweetEval data (../shared/data/tweeteval) is not here")
def test_tweeteval_reader_on_real_files():
    "Each label stays with its tweet and is mapped to its name, on the real files"
    from mtl_bio.text.data import read_tweeteval, read_mapping
    for task in ('emotion', 'irony', 'offensive', 'hate'):
        names = read_mapping(SHARED/task/'mapping.txt')
        t = read_tweeteval(SHARED/task, 'train')
        texts = (SHARED/task/'train_text.txt').read_text(encoding='utf-8').split('\n')
        ids = (SHARED/task/'train_labels.txt').read_text().split('\n')
        assert len(t) == len(texts) - (texts[-1] == '')
        for i in (0, 1, len(t)//2, len(t)-1):
            assert t.text[i] == texts[i] and t.label[i] == names[int(ids[i])] and t.line[i] == i+1
    assert read_mapping(SHARED/'irony'/'mapping.txt') == ['non_irony', 'irony']

def test_masked_rows_train_only_their_task():
    "A tweet labelled for one task gives the other task's head no gradient, and its loss counts only labelled rows"
    import torch
    from mtl_bio.losses import mtl_loss
    from mtl_bio.text.data import example_tweeteval, text_config, training_table, text_tasks
    import tempfile
    tw = example_tweeteval(Path(tempfile.mkdtemp()))
    cfg = text_config({'tasks': [{'name': 'topic', 'tweeteval': str(tw/'topic')}, {'name': 'sentiment', 'tweeteval': str(tw/'sentiment')}]})
    df, _ = training_table(cfg)
    tasks = text_tasks(cfg)
    ys = [torch.as_tensor(t.encode(df)) for t in tasks]
    topic_only = np.flatnonzero((ys[0] >= 0).numpy() & (ys[1] < 0).numpy())[:8]
    assert len(topic_only) == 8
    loss = mtl_loss(tasks, [y.numpy() for y in ys])
    preds = [torch.randn(8, t.n_out, requires_grad=True) for t in tasks]
    loss(preds, *[y[topic_only] for y in ys]).backward()
    assert preds[1].grad.abs().sum() == 0 and preds[0].grad.abs().sum() > 0
    assert float(loss.denoms['sentiment']) == 0 and loss.last['sentiment'] == 0

def _task_csvs(folder):
    "The example sentences as two tasks with their own CSV tables (train and valid), each sentence labelled for one task"
    from mtl_bio.text.data import example_sentences
    ex = example_sentences()
    for task, rows in (('topic', ex.iloc[0::2]), ('sentiment', ex.iloc[1::2])):
        tab = rows[['text', task]].rename(columns={task: 'label'})
        valid = np.arange(len(tab)) % 5 == 0
        tab[~valid].to_csv(folder/f'{task}_train.csv', index=False); tab[valid].to_csv(folder/f'{task}_valid.csv', index=False)
    cfg = {'model': {'run': 'run'},
           'tasks': [{'name': 'topic', 'labels': ['food', 'research', 'sport'], 'train': 'topic_train.csv', 'valid': 'topic_valid.csv', 'column': 'label', 'metric': 'accuracy'},
                     {'name': 'sentiment', 'labels': ['negative', 'neutral', 'positive'], 'train': 'sentiment_train.csv', 'valid': 'sentiment_valid.csv', 'column': 'label', 'metric': 'f1:positive'}],
           'data': {'input': 'new.csv'}, 'train': {'out': 'run', 'epochs': 10, 'quiet': True}}
    (folder/'config.yaml').write_text(yaml.safe_dump(cfg, sort_keys=False))
    return folder/'config.yaml'

def test_cli_tables_per_task_and_declared_metrics(tmp_path):
    "text-train from a config naming a table per task: each task's validation table is its validation set, its declared metric is what is reported (and equals the predictions'), next to the majority class and TF-IDF; text-predict --out labels new texts with every head"
    from sklearn.metrics import f1_score, accuracy_score
    conf = _task_csvs(tmp_path)
    r = mtl('text-train', '--config', conf)
    assert r.returncode == 0, r.stderr
    run = tmp_path/'run'
    check_run_record(run, 'text-train')
    rec = json.loads((run/'run.json').read_text())
    assert {Path(i['path']).name for i in rec['inputs']} >= {'topic_train.csv', 'topic_valid.csv', 'sentiment_train.csv', 'sentiment_valid.csv'}
    m = json.loads((run/'metrics.json').read_text())
    assert m['split']['method'] == 'given' and m['split']['valid'] == 54 and m['split']['test'] == 0
    preds = pd.read_csv(run/'predictions.csv')
    for task, metric in (('topic', 'accuracy'), ('sentiment', 'f1:positive')):
        v = m['valid'][task]
        assert v['headline'] == metric and v['n'] == 27
        assert 'TF-IDF + logistic regression' in v['baselines'] and metric in v['baselines']['TF-IDF + logistic regression'] and metric in v['baseline']
        assert f"{task}: {metric}={v[metric]:.3f}" in r.stdout
    # the reported figures are those of the predictions on each task's validation rows
    from mtl_bio.text.data import text_config, training_table
    table, _ = training_table(text_config(conf))
    valid = preds.part == 'valid'
    for task, metric in (('topic', 'accuracy'), ('sentiment', 'f1:positive')):
        lab = table[task].notna().to_numpy() & valid.to_numpy()
        y, p = table[task][lab], preds[task][lab]
        got = accuracy_score(y, p) if metric == 'accuracy' else f1_score(y, p, labels=['positive'], average='macro')
        assert abs(got - m['valid'][task][metric]) < 1e-6, (task, got, m['valid'][task][metric])
    pd.DataFrame({'text': ['The soup was cold.', 'We lost the final.', 'The assay failed again.']}).to_csv(tmp_path/'new.csv', index=False)
    r = mtl('text-predict', '--config', conf, '--out', tmp_path/'labelled')
    assert r.returncode == 0, r.stderr
    for task in ('topic', 'sentiment'):
        p = pd.read_csv(tmp_path/'labelled'/f'{task}.csv')
        assert len(p) == 3 and p.columns[:2].tolist() == ['text', 'label'] and np.allclose(p.filter(like='prob_').sum(1), 1, atol=1e-5)
    assert not (tmp_path/'predictions').exists()   # --out, not the config's output.dir
    r = mtl('text-predict', '--config', conf, '--out', tmp_path/'labelled')
    assert r.returncode == 2 and 'exists; pass --overwrite' in r.stderr

def test_predict_rows_ask_for_their_task(tmp_path):
    "With a task column each task's file holds only the rows that ask for it; an unknown task names its row"
    conf = _task_csvs(tmp_path)
    assert mtl('text-train', '--config', conf).returncode == 0
    pd.DataFrame({'text': ['The soup was cold.', 'We lost the final.', 'The assay failed again.'], 'task': ['topic', 'sentiment', 'topic;sentiment']}).to_csv(tmp_path/'new.csv', index=False)
    r = mtl('text-predict', '--config', conf, '--out', tmp_path/'o')
    assert r.returncode == 0, r.stderr
    assert pd.read_csv(tmp_path/'o'/'topic.csv').row.tolist() == [0, 2] and pd.read_csv(tmp_path/'o'/'sentiment.csv').row.tolist() == [1, 2]
    pd.DataFrame({'text': ['a', 'b'], 'task': ['topic', 'mood']}).to_csv(tmp_path/'new.csv', index=False)
    r = mtl('text-predict', '--config', conf, '--out', tmp_path/'o2')
    assert r.returncode == 2 and "column 'task', row 3: unknown task 'mood'" in r.stderr and not (tmp_path/'o2').exists()

def test_empty_texts_dropped_and_reported(tmp_path):
    "An empty tweet in a task's table is dropped with a line naming the file and line; train.empty: error refuses it"
    from mtl_bio.text.data import example_tweeteval
    tw = example_tweeteval(tmp_path/'tw')
    f = tw/'topic'/'train_text.txt'; lines = f.read_text().split('\n'); lines[3] = '   '; f.write_text('\n'.join(lines))
    cfg = {'tasks': [{'name': 'topic', 'tweeteval': 'tw/topic'}, {'name': 'sentiment', 'tweeteval': 'tw/sentiment'}], 'train': {'out': 'run', 'epochs': 3, 'quiet': True, 'baseline': False}}
    (tmp_path/'c.yaml').write_text(yaml.safe_dump(cfg))
    r = mtl('text-train', '--config', tmp_path/'c.yaml')
    assert r.returncode == 0, r.stderr
    assert f"dropped 1 row(s) with empty text from {f} (lines 4)" in r.stderr
    assert json.loads((tmp_path/'run'/'data_report.json').read_text())['dropped'][0]['at'] == [4]
    cfg['train'].update(empty='error', out='run2'); (tmp_path/'c.yaml').write_text(yaml.safe_dump(cfg))
    r = mtl('text-train', '--config', tmp_path/'c.yaml')
    assert r.returncode == 2 and "train_text.txt', line 4: empty text" in r.stderr and not (tmp_path/'run2').exists()

def test_local_encoder_folder(tmp_path):
    "Any Hugging Face encoder in a local folder can be the backbone (here a tiny random BERT with MiniLM's tokenizer), frozen or fine-tuned"
    from transformers import BertConfig, BertModel
    from mtl_bio.text.encoder import load_backbone
    tok, _ = load_backbone()
    enc = tmp_path/'tiny_bert'
    BertModel(BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64)).save_pretrained(enc)
    tok.save_pretrained(enc)
    conf = _task_csvs(tmp_path)
    cfg = yaml.safe_load(conf.read_text()); cfg['model']['name'] = './tiny_bert'; cfg['train'].update(epochs=2, finetune=True, baseline=False)
    conf.write_text(yaml.safe_dump(cfg))
    r = mtl('text-train', '--config', conf)
    assert r.returncode == 0, r.stderr
    from mtl_bio.text.train import text_predictor
    pred = text_predictor(tmp_path/'run')
    assert pred.model.encoder.n_out == 32
    pd.DataFrame({'text': ['The soup was cold.']}).to_csv(tmp_path/'new.csv', index=False)
    assert mtl('text-predict', '--config', conf, '--out', tmp_path/'o').returncode == 0

@pytest.mark.notebook
@pytest.mark.slow
def test_tweeteval_tutorial(tmp_path):
    "The TweetEval tutorial runs under papermill on a small slice: each task scored by its official metric on its validation part"
    pm.execute_notebook(str(ROOT/'nbs'/'tutorials'/'sentence_tweeteval.ipynb'), str(tmp_path/'out.ipynb'), kernel_name='python3', progress_bar=False,
                        parameters={'out_dir': str(tmp_path/'nb'), 'max_train': 200, 'max_valid': 80, 'epochs': 3})
    m = json.loads((tmp_path/'nb'/'run'/'metrics.json').read_text())
    tasks = ['emotion', 'irony', 'offensive', 'hate'] if SHARED.exists() else ['topic', 'sentiment']
    assert [t for t in m['valid'] if isinstance(m['valid'][t], dict)] == tasks
    for t in tasks:
        v = m['valid'][t]
        assert v['headline'] == ('f1:irony' if t == 'irony' else 'macro_f1') and 'TF-IDF + logistic regression' in v['baselines']
        if SHARED.exists(): assert v['n'] == 80
    assert m['split']['test'] == 0
