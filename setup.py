"Packaging for layered: metadata and requirements come from settings.ini, as in every nbdev 2 project."
from configparser import ConfigParser
from pathlib import Path
import setuptools

cfg = ConfigParser(delimiters=['='])
cfg.read(Path(__file__).parent/'settings.ini', encoding='utf-8')
c = cfg['DEFAULT']

licenses = dict(apache2=('Apache Software License 2.0', 'OSI Approved :: Apache Software License'))
lic = licenses[c['license']]
reqs = c.get('requirements', '').split()
dev_reqs = c.get('dev_requirements', '').split()
scripts = [s for s in c.get('console_scripts', '').split() if s]
readme = Path(__file__).parent/'README.md'

setuptools.setup(
    name=c['lib_name'], version=c['version'], description=c['description'],
    long_description=readme.read_text(encoding='utf-8') if readme.exists() else c['description'],
    long_description_content_type='text/markdown',
    license=lic[0], author=c['author'], author_email=c['author_email'], url=c['git_url'],
    keywords=c['keywords'], python_requires='>=' + c['min_python'],
    classifiers=['Programming Language :: Python :: 3', 'License :: ' + lic[1],
                 'Development Status :: 3 - Alpha', 'Intended Audience :: Developers'],
    packages=setuptools.find_packages(include=['layered', 'layered.*']),
    include_package_data=True, zip_safe=False,
    install_requires=reqs, extras_require={'dev': dev_reqs},
    entry_points={'console_scripts': scripts, 'nbdev': [f"{c['lib_path']}={c['lib_path']}._modidx:d"]},
)
